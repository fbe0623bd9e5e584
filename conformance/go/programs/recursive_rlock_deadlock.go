// A recursive RLock with a writer waiting in between deadlocks: the writer waits for main's
// first read lock, main's second RLock waits for the writer. Go reports the deadlock and exits 2.
package main

import (
	"fmt"
	"runtime"
	"sync"
)

func main() {
	var rw sync.RWMutex
	rw.RLock()
	go func() {
		rw.Lock()
		rw.Unlock()
	}()
	runtime.Gosched()
	fmt.Println("second RLock")
	rw.RLock()
	fmt.Println("unreachable")
}
