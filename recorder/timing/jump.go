package timing

import "time"

// drainFraction sets how much a late stream's lateness must shrink per JumpThreshold of media time to
// count as a draining backlog rather than a broken timeline: JumpThreshold/drainFraction, i.e. delivery
// at 1.1 times real time or faster.
const drainFraction = 10

// lateState follows a stretch of frames that arrive more than JumpThreshold later than the timeline
// predicts.
type lateState struct {
	active bool
	lag    time.Duration // lateness at the last point where the backlog was seen to drain
	ticks  int64         // media time of that point
	at     time.Time     // arrival time of that point
}

// discontinuous reports whether a frame at media time ticks, arriving at arrival, lag after the time the
// run's timeline predicts for it (lag = d - c, negative when early), must start a new run. It updates the
// lateness state; the rules are in the package documentation.
//
// A late stretch begins above JumpThreshold but ends only once lag is back within
// JumpThreshold/drainFraction, so that the tail of a draining backlog stays out of the jitter floor; the
// drain rule applies throughout, so lateness stuck in between ends the run too.
func (m *Mapper) discontinuous(lag time.Duration, ticks int64, arrival time.Time) bool {
	step := m.jump / drainFraction
	switch {
	case lag < -m.jump:
		// Early: no network delay explains a frame that arrives before it was captured.
		return true
	case !m.late.active && lag <= m.jump, m.late.active && lag <= step:
		m.late.active = false
		return false
	case !m.late.active:
		m.late = lateState{active: true, lag: lag, ticks: ticks, at: arrival}
		return false
	case lag <= m.late.lag-step:
		// The backlog drains: a stall's burst is catching up with real time.
		m.late.lag, m.late.ticks, m.late.at = lag, ticks, arrival
		return false
	default:
		// A draining backlog delivers media faster than time passes, so it meets the drain rule within
		// JumpThreshold of media time and less arrival time; a media clock that crawls (or stands
		// still) meets neither, and arrival time ends its run.
		return ticks-m.late.ticks > m.jumpTicks || arrival.Sub(m.late.at) > m.jump
	}
}
