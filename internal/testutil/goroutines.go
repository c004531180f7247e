package testutil

import (
	"testing"
	"time"

	"go.uber.org/goleak"
)

// A Snapshot is the set of goroutines running when it was taken (see [Goroutines]).
type Snapshot struct{ before goleak.Option }

// Goroutines records the goroutines running now, for [Snapshot.CheckEnded] to find those started since. A
// goroutine leak check compares sets of goroutines, not their number: a goroutine that ended cannot hide
// one that leaked, and no slack is needed.
//
// The check cannot tell one test's goroutines from another's, so a test that uses it must not run in
// parallel with others (nor call t.Parallel in the part it checks).
func Goroutines() Snapshot { return Snapshot{before: goleak.IgnoreCurrent()} }

// CheckEnded fails the test (Error, so cleanups still run) unless, within d, every goroutine started since
// s was taken has ended, and lists the stacks of those left. A goroutine whose stack holds one of the
// allowed functions (full names, such as "github.com/porchlight/porchlight/recorder.(*Recorder).Run") may
// remain: for a check made while a component the test started is meant to be running still. Goroutines of
// the testing package and of os/signal are ignored, as goleak does.
func (s Snapshot) CheckEnded(t testing.TB, d time.Duration, allowed ...string) {
	t.Helper()
	opts := []goleak.Option{s.before}
	for _, f := range allowed {
		opts = append(opts, goleak.IgnoreAnyFunction(f))
	}
	var err error
	if !Poll(d, func() bool { err = goleak.Find(opts...); return err == nil }) {
		t.Errorf("goroutines still running %s after the test ended them: %v", d, err)
	}
}
