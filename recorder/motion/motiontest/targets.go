package motiontest

import (
	"testing"
	"time"
)

// CheckTargets fails t where the merged result m misses the guide's motion targets on VBR footage:
// recall and precision >= 0.9, no false event (the test clips hold minutes of still footage, so one is
// already several per hour), every motion stretch found, motion start to event open <= 2 s.
func CheckTargets(t testing.TB, m Result) {
	t.Helper()
	if m.Recall < 0.9 || m.Precision < 0.9 {
		t.Errorf("got recall %.3f precision %.3f, want both >= 0.9", m.Recall, m.Precision)
	}
	if m.FalseEvents > 0 {
		t.Errorf("got %d false events in %.1f still minutes, want none", m.FalseEvents, m.Still.Minutes())
	}
	if m.Detected != m.Intervals {
		t.Errorf("got %d of %d motion stretches detected", m.Detected, m.Intervals)
	}
	if m.MaxLatency > 2*time.Second {
		t.Errorf("got motion start to event open %v at worst, want <= 2s", m.MaxLatency)
	}
}
