// Command goprof writes a heap profile (every allocation) and a CPU profile
// from Go's runtime: test input for the allocprof viewer, committed as
// tests/data/go_heap.pb.gz and go_cpu.pb.gz (see gen_data.sh).
package main

import (
	"os"
	"runtime"
	"runtime/pprof"
	"strings"
	"time"
)

type request struct {
	id   int
	body [64]byte
}

var sink []*request
var ssink string

//go:noinline
func newRequest(i int) *request { return &request{id: i} }

func small(n int) []byte { return make([]byte, n) } // inlined into its caller

//go:noinline
func grow(n int) []int {
	var v []int
	for i := 0; i < n; i++ {
		v = append(v, i)
	}
	return v
}

//go:noinline
func build(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteString("abc")
	}
	return b.String()
}

//go:noinline
func burn(d time.Duration) int {
	x := 0
	for end := time.Now().Add(d); time.Now().Before(end); {
		for i := 0; i < 1000; i++ {
			x += i * i
		}
	}
	return x
}

//go:noinline
func spin(d time.Duration) int { return burn(d) }

func main() {
	runtime.MemProfileRate = 1
	for i := 0; i < 1000; i++ {
		sink = append(sink[:0], newRequest(i))
	}
	for i := 0; i < 100; i++ {
		_ = small(100 + i)
	}
	grow(1000)
	ssink = build(100)
	cpu, _ := os.Create(os.Args[2])
	pprof.StartCPUProfile(cpu)
	burn(300 * time.Millisecond)
	spin(200 * time.Millisecond)
	pprof.StopCPUProfile()
	cpu.Close()
	runtime.GC()
	heap, _ := os.Create(os.Args[1])
	pprof.WriteHeapProfile(heap)
	heap.Close()
}
