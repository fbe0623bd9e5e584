// Unlocking an unlocked sync.Mutex is a fatal error (not a recoverable panic): exit 2.
package main

import (
	"fmt"
	"sync"
)

func main() {
	var mu sync.Mutex
	mu.Lock()
	mu.Unlock()
	fmt.Println("unlocked once")
	mu.Unlock()
}
