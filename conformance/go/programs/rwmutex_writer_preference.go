// A blocked RWMutex.Lock excludes new readers: with main holding a read lock and a writer
// waiting, a new reader waits too; it gets in only after the writer (GOMAXPROCS=1).
package main

import (
	"fmt"
	"runtime"
	"sync"
)

func main() {
	var rw sync.RWMutex
	done := make(chan int, 2)
	rw.RLock()
	go func() {
		rw.Lock()
		fmt.Println("writer")
		rw.Unlock()
		done <- 0
	}()
	runtime.Gosched()
	go func() {
		rw.RLock()
		fmt.Println("reader")
		rw.RUnlock()
		done <- 0
	}()
	runtime.Gosched()
	fmt.Println("main: the new reader waits behind the writer")
	rw.RUnlock()
	<-done
	<-done
}
