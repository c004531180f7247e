package nvr

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/porchlight/porchlight/internal/testutil"
	"github.com/porchlight/porchlight/ui"
)

const week = 7 * 86400.0 // max_age of a week, in seconds

// TestHorizonAlarmHysteresis: a horizon that falls below 90 % of max_age is reported once; swinging
// around that threshold reports nothing more; only after it came back to 97 % is a new fall news.
func TestHorizonAlarmHysteresis(t *testing.T) {
	var a horizonAlarm
	steps := []struct {
		days float64
		due  bool
	}{
		{7, false},    // max_age binds: all is well
		{6.4, false},  // short, but above 90 %
		{6.2, true},   // below 6.3 days: news
		{6.35, false}, // around the threshold: no flapping
		{6.1, false},  // still short
		{6.7, false},  // better, not yet 97 %
		{6.25, false}, // down again before it recovered
		{6.8, false},  // recovered (6.79 is 97 %)
		{5, true},     // a new fall is news again
		{0, false},    // unknown (no rate yet): state kept
		{5, false},    // still the same fall
	}
	for i, s := range steps {
		due := a.check(map[string]ui.Horizon{"front": {Days: s.days, MaxAge: week}})
		if _, got := due["front"]; got != s.due {
			t.Errorf("step %d (%.2f days): due %v, want %v", i, s.days, got, s.due)
		}
	}
	// No max_age configured: never short.
	if due := a.check(map[string]ui.Horizon{"back": {Days: 0.5, LimitedBy: "disk"}}); len(due) != 0 {
		t.Errorf("a camera without max_age: due %v", due)
	}
}

// TestWatchHorizons: a short horizon notifies once with a link to the storage view, naming the camera,
// the days that fit and the limit.
func TestWatchHorizons(t *testing.T) {
	nt, n := ntfyNotifier(t)
	var mu sync.Mutex
	days := 7.0
	set := func(d float64) { mu.Lock(); days = d; mu.Unlock() }
	polls := make(chan struct{}, 1000)
	w := &notifications{n: n, base: func() string { return "https://nvr.example" }, log: slog.New(slog.DiscardHandler),
		horizonPoll: 5 * time.Millisecond, horizons: func() map[string]ui.Horizon {
			polls <- struct{}{}
			mu.Lock()
			defer mu.Unlock()
			return map[string]ui.Horizon{"front": {Days: days, MaxAge: week, LimitedBy: "disk"}}
		}}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { w.watchHorizons(ctx); close(done) }()
	go func() { _ = n.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done; _ = n.Close() })
	waitPolls := func(k int) {
		for len(polls) > 0 {
			<-polls
		}
		for range k {
			<-polls
		}
	}
	waitPolls(3)
	set(2.5)
	testutil.WaitFor(t, 5*time.Second, "the horizon notification", func() bool { return len(nt.Messages()) == 1 })
	set(6.5) // better, not restored
	waitPolls(3)
	set(2.2) // short again, but it never recovered: no news
	waitPolls(3)
	set(7)
	waitPolls(3)
	set(1.5) // a new fall after recovery: news
	testutil.WaitFor(t, 5*time.Second, "a second notification", func() bool { return len(nt.Messages()) >= 2 })
	// The queue is FIFO: had the swing to 2.2 days notified, that message would come second.
	if m := nt.Messages()[1]; m.Message != "front keeps about 1.5 days of footage, not the 7 days configured (limited by free disk space)." {
		t.Errorf("second message = %q, want the fall after recovery", m.Message)
	}
	m := nt.Messages()[0]
	if m.Title != "Retention short: front" || m.Click != "https://nvr.example/#/storage" ||
		m.Message != "front keeps about 2.5 days of footage, not the 7 days configured (limited by free disk space)." {
		t.Errorf("message = %+v", m)
	}
}
