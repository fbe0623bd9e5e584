// Sending on a closed channel panics (exit 2); receiving from it first drains the buffer, then
// gives the zero value and false.
package main

import "fmt"

func main() {
	c := make(chan int, 1)
	c <- 7
	close(c)
	v, ok := <-c
	fmt.Println(v, ok)
	v, ok = <-c
	fmt.Println(v, ok)
	c <- 1
}
