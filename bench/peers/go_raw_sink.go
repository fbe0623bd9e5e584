// go_raw_sink PORT: an idiomatic Go sink: one goroutine per client, io.Copy(io.Discard, conn).
// io.Discard's ReadFrom reads into a pooled 8 KiB buffer and drops the bytes: no write syscall
// at all, unlike go_sink, c_sink and papaya's sink, which write every read to /dev/null.
package main

import (
	"fmt"
	"io"
	"net"
	"os"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: go_raw_sink PORT")
		os.Exit(2)
	}
	l, err := net.Listen("tcp", "127.0.0.1:"+os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "go_raw_sink:", err)
		os.Exit(1)
	}
	for {
		c, err := l.Accept()
		if err != nil {
			continue
		}
		go func(c net.Conn) {
			defer c.Close()
			_, _ = io.Copy(io.Discard, c)
		}(c)
	}
}
