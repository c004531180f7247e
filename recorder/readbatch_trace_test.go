package recorder

import (
	"bytes"
	"context"
	"io"
	rtrace "runtime/trace"
	"testing"
	"time"

	"golang.org/x/exp/trace"
)

// The tick's read is a raw system call that the scheduler does not see. A tracked one (syscall.Read)
// made while the runtime's sysmon thread sleeps wakes sysmon and resets it to polling every 20 µs:
// at 4 cameras that was half the recorder's context switches. The execution trace records every
// tracked system call as the goroutine entering the syscall state; the reader must never enter it.
func TestBatchConnReadIsNotATrackedSyscall(t *testing.T) {
	data := make([]byte, 2*readBatchSize+999)
	bc := newBatchConn(dialServing(t, data))
	defer bc.Close()
	bc.sleep = func(time.Duration) {} // read again at once instead of on the next tick
	bc.enable()

	var tr bytes.Buffer
	if err := rtrace.Start(&tr); err != nil {
		t.Fatal(err)
	}
	got := make(chan int64)
	go func() {
		rtrace.Log(context.Background(), "batchconn", "reader")
		n, _ := io.Copy(io.Discard, struct{ io.Reader }{bc})
		got <- n
	}()
	n := <-got
	rtrace.Stop()
	if n != int64(len(data)) {
		t.Fatalf("read %d bytes, want %d", n, len(data))
	}

	r, err := trace.NewReader(&tr)
	if err != nil {
		t.Fatal(err)
	}
	reader := trace.NoGoroutine
	syscalls := map[trace.GoID]int{}
	for {
		ev, err := r.ReadEvent()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		switch ev.Kind() {
		case trace.EventLog:
			if ev.Log().Category == "batchconn" {
				reader = ev.Goroutine()
			}
		case trace.EventStateTransition:
			st := ev.StateTransition()
			if st.Resource.Kind != trace.ResourceGoroutine {
				continue
			}
			if _, to := st.Goroutine(); to == trace.GoSyscall {
				syscalls[st.Resource.Goroutine()]++
			}
		}
	}
	if reader == trace.NoGoroutine {
		t.Fatal("the trace has no event of the reader goroutine")
	}
	if c := syscalls[reader]; c != 0 {
		t.Fatalf("the reader made %d scheduler-tracked system calls, want 0", c)
	}
}
