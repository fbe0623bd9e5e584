// Cond.Signal wakes waiters in the order they called Wait (notifyList tickets), whatever
// GOMAXPROCS is. Each waiter is known to be waiting before the next starts: main takes the lock
// after the waiter said it holds it, which it can only get once the waiter is inside Wait.
package main

import (
	"fmt"
	"sync"
)

func main() {
	var mu sync.Mutex
	c := sync.NewCond(&mu)
	ready := make(chan int)
	done := make(chan int)
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
		<-ready
		mu.Lock()
		mu.Unlock()
	}
	for i := 0; i < 3; i++ {
		mu.Lock()
		c.Signal()
		mu.Unlock()
		<-done
	}
}
