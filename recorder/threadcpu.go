package recorder

import (
	"runtime"
	"time"
)

// cpuOf runs f locked to one OS thread and returns the CPU time that thread used meanwhile: f's own CPU
// and runtime work done on its behalf (GC assists), not goroutines or processes f starts, and not time f
// spends blocked. Locking and the two clock reads (one system call each) cost about a microsecond, so the
// detector measures each batch, not each frame. It returns 0 where there is no per-thread clock.
func cpuOf(f func()) time.Duration {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	t0, ok0 := threadCPU()
	f()
	t1, ok1 := threadCPU()
	if !ok0 || !ok1 || t1 < t0 {
		return 0
	}
	return t1 - t0
}
