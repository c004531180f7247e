package testutil_test

import (
	"fmt"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/porchlight/porchlight/internal/testutil"
)

// recorder is a testing.TB that records a failure instead of failing the real test; Fatal ends the
// goroutine, as it does for a real test.
type recorder struct {
	testing.TB
	failed string
}

func (r *recorder) Helper() {}

func (r *recorder) Fatal(args ...any) {
	r.failed = fmt.Sprint(args...)
	runtime.Goexit()
}

func (r *recorder) Errorf(format string, args ...any) { r.failed = fmt.Sprintf(format, args...) }

// run calls f with a recorder in a goroutine of its own (Fatal ends it) and returns what failed, "" if
// nothing did.
func run(f func(t testing.TB)) string {
	r := &recorder{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		f(r)
	}()
	<-done
	return r.failed
}

func TestWaitFor(t *testing.T) {
	var calls atomic.Int32
	start := time.Now()
	failed := run(func(t testing.TB) {
		testutil.WaitFor(t, 5*time.Second, "the third call", func() bool { return calls.Add(1) == 3 })
	})
	if failed != "" || calls.Load() != 3 {
		t.Errorf("WaitFor of a condition true on the third call: got failure %q after %d calls, want none after 3", failed, calls.Load())
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("WaitFor took %s for three calls, want well under 1s", d)
	}

	calls.Store(0)
	start = time.Now()
	failed = run(func(t testing.TB) {
		testutil.WaitFor(t, 300*time.Millisecond, "never", func() bool { calls.Add(1); return false })
	})
	if want := "timed out after 300ms waiting for never"; failed != want {
		t.Errorf("WaitFor of a false condition: got failure %q, want %q", failed, want)
	}
	if d := time.Since(start); d < 300*time.Millisecond || d > 2*time.Second {
		t.Errorf("WaitFor with a 300ms bound gave up after %s", d)
	}
	if calls.Load() < 3 {
		t.Errorf("WaitFor called the condition %d times in 300ms, want it polled", calls.Load())
	}
}

func TestWaitForState(t *testing.T) {
	n := 0
	failed := run(func(t testing.TB) {
		testutil.WaitForState(t, 100*time.Millisecond, "ten members", func() (bool, string) {
			n++
			return false, fmt.Sprintf("%d members", min(n, 2))
		})
	})
	if want := "timed out after 100ms waiting for ten members; last seen: 2 members"; failed != want {
		t.Errorf("got failure %q, want %q", failed, want)
	}
}

func TestPoll(t *testing.T) {
	if !testutil.Poll(time.Second, func() bool { return true }) {
		t.Error("Poll of a true condition: got false")
	}
	calls := 0
	if testutil.Poll(0, func() bool { calls++; return false }) || calls != 1 {
		t.Errorf("Poll(0) of a false condition: got true or %d calls, want false after 1", calls)
	}
}

// parked is the function a leaked goroutine of these tests runs.
func parked(release chan struct{}) { <-release }

func TestCheckEnded(t *testing.T) {
	snap := testutil.Goroutines()
	release := make(chan struct{})
	go parked(release)

	failed := run(func(t testing.TB) { snap.CheckEnded(t, 200*time.Millisecond) })
	if !strings.Contains(failed, "testutil_test.parked") {
		t.Errorf("CheckEnded with a goroutine left: got failure %q, want its stack with parked", failed)
	}
	if failed := run(func(t testing.TB) {
		snap.CheckEnded(t, 200*time.Millisecond, "github.com/porchlight/porchlight/internal/testutil_test.parked")
	}); failed != "" {
		t.Errorf("CheckEnded with the goroutine allowed: got failure %q, want none", failed)
	}

	// A goroutine that ends within the bound is no leak.
	time.AfterFunc(50*time.Millisecond, func() { close(release) })
	if failed := run(func(t testing.TB) { snap.CheckEnded(t, 5*time.Second) }); failed != "" {
		t.Errorf("CheckEnded with a goroutine that ends: got failure %q, want none", failed)
	}
}
