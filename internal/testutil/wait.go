// Package testutil holds helpers for the _test.go files of every room: waiting for a condition within a
// bound instead of sleeping for a guessed time ([WaitFor], [WaitForState], [Poll]), and checking that a
// test leaves no goroutine behind ([Goroutines]).
//
// It is a test helper: it imports testing, and code that ships must not import it (nvr/deps_test.go
// checks). Like every package under internal/ it imports no room, so recorder, federation, ui and nvr tests
// all use it.
package testutil

import (
	"fmt"
	"testing"
	"time"
)

// Polling starts at minPoll and doubles up to maxPoll: quick conditions are seen at once, and slow ones
// (a CLI run, an HTTP round trip) are not hammered.
const (
	minPoll = 10 * time.Millisecond
	maxPoll = 100 * time.Millisecond
)

// WaitFor calls cond until it returns true. If d passes first, it fails the test at once (FailNow) with
// "timed out after d waiting for what".
func WaitFor(t testing.TB, d time.Duration, what string, cond func() bool) {
	t.Helper()
	WaitForState(t, d, what, func() (bool, string) { return cond(), "" })
}

// WaitForState is WaitFor for a condition that also says what it saw; the failure reports the last state
// ("timed out after d waiting for what; last seen: state").
func WaitForState(t testing.TB, d time.Duration, what string, cond func() (ok bool, state string)) {
	t.Helper()
	var state string
	if Poll(d, func() (ok bool) { ok, state = cond(); return ok }) {
		return
	}
	msg := fmt.Sprintf("timed out after %s waiting for %s", d, what)
	if state != "" {
		msg += "; last seen: " + state
	}
	t.Fatal(msg)
}

// Poll calls cond until it returns true or d passes, and reports whether it held: for waits whose end is
// not a failure, such as a retry loop that acts again when the wait ends. cond runs at least once, and
// once more at the deadline.
func Poll(d time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(d)
	for wait := minPoll; ; wait = min(2*wait, maxPoll) {
		if cond() {
			return true
		}
		left := time.Until(deadline)
		if left <= 0 {
			return false
		}
		time.Sleep(min(wait, left))
	}
}
