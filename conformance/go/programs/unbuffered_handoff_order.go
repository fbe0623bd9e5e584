// Three senders block on an unbuffered channel in the order they ran (s3 from runnext, then s1,
// s2 from the local queue, GOMAXPROCS=1); receives take them FIFO: 3, 1, 2.
package main

import (
	"fmt"
	"runtime"
)

func main() {
	c := make(chan int)
	go func() { c <- 1 }()
	go func() { c <- 2 }()
	go func() { c <- 3 }()
	runtime.Gosched()
	for i := 0; i < 3; i++ {
		fmt.Println("got", <-c)
	}
}
