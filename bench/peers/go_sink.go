// go_sink PORT: the paper's Go server as the paper describes it: one goroutine per client
// (`go handleConnection(conn)`), 1024-byte reads, each printed with fmt.Printf("%q\n", ...) to
// standard output (unbuffered os.Stdout; papaya bench sends it to /dev/null).
package main

import (
	"fmt"
	"net"
	"os"
)

func handleConnection(c net.Conn) {
	defer c.Close()
	buf := make([]byte, 1024)
	for {
		n, err := c.Read(buf)
		if err != nil {
			return
		}
		fmt.Printf("%q\n", buf[:n])
	}
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: go_sink PORT")
		os.Exit(2)
	}
	l, err := net.Listen("tcp", "127.0.0.1:"+os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "go_sink:", err)
		os.Exit(1)
	}
	for {
		c, err := l.Accept()
		if err != nil {
			continue
		}
		go handleConnection(c)
	}
}
