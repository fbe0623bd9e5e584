// With GOMAXPROCS=1, `go` puts the new goroutine in runnext (the last one started runs first),
// and each channel handoff readies the partner into runnext: "other", queued behind, never runs
// before main returns. Model twin: conformance/go/scenarios.cpp runnext_pingpong.
package main

import "fmt"

func main() {
	a := make(chan int)
	b := make(chan int)
	go func() {
		fmt.Println("ping 1")
		<-a
		b <- 0
	}()
	go func() { fmt.Println("other") }()
	go func() { fmt.Println("third") }()
	a <- 0
	<-b
	fmt.Println("main done")
}
