// Goroutine ping-pong over unbuffered channels: the Go counterpart of bench/switch_bench.cpp.
//   cd bench/peers && GO111MODULE=off go test -bench . -count 3 pingpong_test.go
package peers

import (
	"runtime"
	"testing"
)

func pingPong(b *testing.B) {
	there, back := make(chan int), make(chan int)
	go func() {
		for v := range there {
			back <- v
		}
	}()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		there <- i
		<-back
	}
	close(there)
}

// GOMAXPROCS as the runtime sets it (the cores here).
func BenchmarkGoroutinePingPong(b *testing.B) { pingPong(b) }

// One P: the two goroutines hand off on one OS thread, as the paper's 1-vCPU server did.
func BenchmarkGoroutinePingPongOneP(b *testing.B) {
	old := runtime.GOMAXPROCS(1)
	defer runtime.GOMAXPROCS(old)
	pingPong(b)
}
