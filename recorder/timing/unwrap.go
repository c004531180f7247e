package timing

import (
	"math"
	"time"
)

// unwrapper extends 32-bit RTP timestamps to the int64 tick count of a run.
//
// It keeps the newest timestamp seen (raw) and its unwrapped value (head). The distance of a new
// timestamp from raw is read as a signed 32-bit number: a forward step, including one across 2^32, is
// positive; a step back is negative. Whether a step back is a reordered frame or a new timeline is the
// caller's decision, as is whether a forward step is plausible.
type unwrapper struct {
	raw  uint32 // newest RTP timestamp accepted into the run
	head int64  // unwrapped value of raw, in ticks since the run's first frame
}

// reset starts a new run at ts, which becomes tick 0.
func (u *unwrapper) reset(ts uint32) {
	u.raw = ts
	u.head = 0
}

// delta returns the signed distance in ticks from the newest accepted timestamp to ts, in
// [-2^31, 2^31).
func (u *unwrapper) delta(ts uint32) int64 {
	return int64(int32(ts - u.raw))
}

// advance accepts ts, which lies delta ticks (delta >= 0) after the newest timestamp.
func (u *unwrapper) advance(ts uint32, delta int64) {
	u.raw = ts
	u.head += delta
}

// ticksToDur converts a tick count at rate ticks per second to a duration, truncating toward zero.
// It splits whole seconds from the remainder so that counts of many days do not overflow int64.
func ticksToDur(ticks int64, rate uint32) time.Duration {
	r := int64(rate)
	return time.Duration(ticks/r)*time.Second + time.Duration((ticks%r)*int64(time.Second)/r)
}

// durToTicks converts a non-negative duration to ticks at rate, truncating, and saturates at
// math.MaxInt64 instead of overflowing.
func durToTicks(d time.Duration, rate uint32) int64 {
	if d <= 0 {
		return 0
	}
	r := int64(rate)
	secs := int64(d / time.Second)
	if secs > math.MaxInt64/r-1 {
		return math.MaxInt64
	}
	return secs*r + int64(d%time.Second)*r/int64(time.Second)
}
