// Cond.Broadcast readies every waiter with goready, each taking runnext and kicking the previous
// one to the local queue (GOMAXPROCS=1). Waiters queued as w3 (runnext), w1, w2, so they run w2,
// w3, w1.
package main

import (
	"fmt"
	"sync"
)

func main() {
	var mu sync.Mutex
	c := sync.NewCond(&mu)
	ready := make(chan int, 3)
	done := make(chan int, 3)
	for _, name := range []string{"w1", "w2", "w3"} {
		name := name
		go func() {
			mu.Lock()
			ready <- 0
			c.Wait()
			fmt.Println(name)
			mu.Unlock()
			done <- 0
		}()
	}
	<-ready
	<-ready
	<-ready
	mu.Lock()
	c.Broadcast()
	mu.Unlock()
	<-done
	<-done
	<-done
}
