// When both cases of a select are ready, Go picks one uniformly at random (selectgo's poll
// order): over many trials each case wins about half the time. Prints how often case 0 won.
package main

import "fmt"

func main() {
	const trials = 10000
	a := make(chan int, 1)
	b := make(chan int, 1)
	first := 0
	for i := 0; i < trials; i++ {
		a <- 1
		b <- 1
		select {
		case <-a:
			first++
			<-b
		case <-b:
			<-a
		}
	}
	fmt.Println(first, trials)
}
