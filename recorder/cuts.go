package recorder

import (
	"log/slog"
	"time"
)

// Segment starts besides the regular rotation (after a gap, a parameter-set change, a lost part, a
// reconnect) are bounded per stream: a camera whose timestamps keep breaking must not make a file and an
// index row per break. maxCuts starts may come at once, and the allowance refills at maxCuts per
// cutPeriod.
const (
	maxCuts   = 10
	cutPeriod = time.Minute
	// cutLogEvery is how often a stream logs the segment starts it refused, at most.
	cutLogEvery = time.Minute
)

// cutBudget is the token bucket of one stream's unscheduled segment starts. It lives as long as the
// stream, across reconnects, and is used under the muxer's lock (one session at a time).
type cutBudget struct {
	log    *slog.Logger
	stats  *streamStats
	tokens float64
	at     time.Time // when tokens was last refilled; zero before the first start
	// refused counts starts refused since the last log line; logged is when that line was written.
	refused uint64
	logged  time.Time
}

func newCutBudget(log *slog.Logger, st *streamStats) *cutBudget {
	return &cutBudget{log: log, stats: st, tokens: maxCuts}
}

// allow reports whether a segment may start now (by the frame's arrival time); a refused start is counted
// and logged, at most once per cutLogEvery.
func (b *cutBudget) allow(now time.Time) bool {
	if !b.at.IsZero() {
		if el := now.Sub(b.at); el > 0 {
			b.tokens = min(maxCuts, b.tokens+maxCuts*float64(el)/float64(cutPeriod))
		}
	}
	b.at = now
	if b.tokens >= 1 {
		b.tokens--
		return true
	}
	b.refused++
	b.stats.refusedSegment()
	if b.logged.IsZero() || now.Sub(b.logged) >= cutLogEvery {
		b.log.Warn("camera timeline keeps breaking: segment starts refused, frames dropped until one is allowed",
			"refused", b.refused, "allowed_per_minute", maxCuts)
		b.refused, b.logged = 0, now
	}
	return false
}
