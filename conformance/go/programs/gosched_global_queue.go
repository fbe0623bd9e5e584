// runtime.Gosched puts the caller on the global run queue, behind the local queue's goroutines
// (GOMAXPROCS=1): b (runnext) runs, then a, then main.
package main

import (
	"fmt"
	"runtime"
)

func main() {
	go func() { fmt.Println("a") }()
	go func() { fmt.Println("b") }()
	runtime.Gosched()
	fmt.Println("main")
}
