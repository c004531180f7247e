package recorder

import (
	"log/slog"
	"time"

	"github.com/porchlight/porchlight/recorder/index"
)

// A camera whose timeline breaks: when its timestamps jump, reanchor keeps the open segment going; the
// segment starts that breaks still cause are bounded by a cutBudget.

// maxReanchorDrift is how far a segment's media time may drift from wall time while a track whose
// timestamps jump continues in the open segment (see reanchor).
const maxReanchorDrift = time.Second

// reanchor continues track t in the open segment after its clock started a new run at the frame at wall
// (a jump of the camera's timestamps), and reports whether it did. The pending frame lasts its track's
// usual duration: the camera captures at its pace whatever its timestamps say, and arrival times, which
// are all the new run knows, jitter (a frame shorter than usual would even show as two frames at one
// time). Measured on the segment's own timeline (media time since the first keyframe at seg.clock), the
// error against wall time so stays within maxReanchorDrift: when wall time is further ahead (frames were
// lost) the pending frame lasts until wall, and when the segment's media time is further ahead (the
// camera's clock ran fast), or wall time lies more than maxFrameGap after the pending frame (a gap in the
// recording), reanchor reports false, leaving the pending frame alone, and the caller ends the segment.
func (m *muxer) reanchor(t *trackState, wall time.Time) bool {
	if t.pending == nil || m.seg == nil {
		return false
	}
	pos := t.base // media time at which the pending frame starts
	for _, f := range t.frames {
		pos += uint64(f.Duration)
	}
	lead := index.TicksToDuration(pos, t.spec.rate) - wall.Sub(m.seg.clock) // if the pending frame lasted nothing
	usual := t.lastDur
	ahead := lead + index.TicksToDuration(uint64(usual), t.spec.rate) // if it lasts its usual duration
	if ahead > maxReanchorDrift || -lead > maxFrameGap*time.Second/90000 {
		return false
	}
	d := usual
	if usual == 0 || -ahead > maxReanchorDrift {
		d = uint32(max(-lead.Nanoseconds()*int64(t.spec.rate)/int64(time.Second), 1))
	}
	m.appendSample(t, d)
	if usual > 0 {
		t.lastDur = usual // a catch-up is not the track's usual duration
	}
	return true
}

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

// allow reports whether a segment may start now (by the frame's arrival time). A refused start is counted
// (and logged, at most once per cutLogEvery) unless it is a retry: the next keyframe of a start refused
// before, whose frames in between were dropped and counted as such.
func (b *cutBudget) allow(now time.Time, retry bool) bool {
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
	if retry {
		return false
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
