package motion

import "time"

// Detector finds motion in one video stream. It is not safe for concurrent use.
type Detector struct {
	s Settings
	// base is the running mean coded size of a non-key frame in a still scene.
	base   float64
	frames int
	moving bool      // the last frame had motion
	since  time.Time // start of the current motion run
	last   time.Time // last frame with motion
	open   bool      // an event is open
	start  time.Time // start of the open event
	peak   float64
}

// New returns a detector for a stream of codec ("H264" or "H265").
func New(codec string, s Settings) *Detector {
	_ = codec
	return &Detector{s: s.withDefaults()}
}

// SetSettings applies new settings from the next frame on.
func (d *Detector) SetSettings(s Settings) { d.s = s.withDefaults() }

// LastMotion is the time of the latest frame that cost more than the baseline (zero before any): a
// later stage that checks pixels runs while it is recent.
func (d *Detector) LastMotion() time.Time { return d.last }

// warmup is how many non-key frames set the first baseline.
const warmup = 25

// Observe takes the next frame in decode order and reports an event opening or closing, if one does.
func (d *Detector) Observe(f Frame) (Change, bool) {
	if f.Key || f.Size <= 0 {
		return d.idle(f.Time)
	}
	d.frames++
	if d.frames <= warmup {
		d.base += (float64(f.Size) - d.base) / float64(d.frames)
		return Change{}, false
	}
	ratio := float64(f.Size) / d.base
	// Sensitivity 0.5 takes a frame costing twice the baseline as motion; 1 takes 1.25×, 0 takes 4×.
	threshold := 1.25 + 2.75*(1-d.s.Sensitivity)*(1-d.s.Sensitivity)
	if ratio < threshold {
		d.base += (float64(f.Size) - d.base) / 64 // the baseline follows the still scene
		d.moving = false
		return d.idle(f.Time)
	}
	score := min(1, (ratio-1)/(2*threshold))
	if !d.moving {
		d.moving, d.since = true, f.Time
	}
	d.last = f.Time
	d.peak = max(d.peak, score)
	if !d.open && f.Time.Sub(d.since) >= d.s.MinDuration {
		d.open, d.start = true, d.since
		return Change{Kind: Opened, Start: d.start, Score: d.peak}, true
	}
	return Change{}, false
}

// idle closes an open event once the post-roll has passed without motion.
func (d *Detector) idle(now time.Time) (Change, bool) {
	if d.open && now.Sub(d.last) >= d.s.PostRoll {
		d.open = false
		c := Change{Kind: Closed, Start: d.start, End: d.last, Score: d.peak}
		d.peak = 0
		return c, true
	}
	if !d.open && !d.moving {
		d.peak = 0
	}
	return Change{}, false
}
