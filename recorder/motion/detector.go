package motion

import (
	"math"
	"time"
)

// Detector finds motion in one video stream. It is not safe for concurrent use.
type Detector struct {
	s     Settings
	p     *parser
	base  [numClasses]baseline
	stats Stats

	prev     time.Time // time of the previous frame
	afterKey bool      // the next inter frame is the first after a keyframe
	level    float64   // smoothed deviation of frame cost above baseline
	moving   bool      // level is above the threshold (with hysteresis)
	since    time.Time // start of the current motion run
	onset    time.Time // first frame that looked like motion since the scene was last calm
	last     time.Time // last frame with motion
	open     bool      // an event is open
	start    time.Time // start of the open event
	peak     float64
}

// Stats counts what a detector has seen.
type Stats struct {
	Frames    int // frames observed
	Malformed int // NAL units whose header could not be read (the frame still counts by its size)
}

// New returns a detector for a stream of codec ("H264" or "H265").
func New(codec string, s Settings) *Detector {
	return &Detector{s: s.withDefaults(), p: newParser(codec)}
}

// SetSettings applies new settings from the next frame on.
func (d *Detector) SetSettings(s Settings) { d.s = s.withDefaults() }

// Stats returns the counts so far.
func (d *Detector) Stats() Stats { return d.stats }

// LastMotion is the time of the last frame with motion (zero before any).
func (d *Detector) LastMotion() time.Time { return d.last }

// Time constants of the detector, in stream time so that they hold at any frame rate.
const (
	smoothing   = 500 * time.Millisecond // the frame cost is averaged over about this long
	stillLearn  = 8 * time.Second        // the baseline follows a still scene (light, noise) this fast
	movingLearn = 5 * time.Minute        // and a scene that stays "moving" this fast, so a lasting change
	// of the scene (a light switched on) ends its event within minutes
	defaultFrame = 40 * time.Millisecond // frame interval assumed when timestamps do not tell
)

// threshold maps Sensitivity (0..1) to the smoothed deviation that counts as motion: 0.5 → 3
// deviations, 1 → 1.5, 0 → 7.5.
func (d *Detector) threshold() float64 {
	x := 1 - d.s.Sensitivity
	return 1.5 + 6*x*x
}

// minExcess maps Sensitivity to how much more than its baseline a frame must cost, as a fraction of a
// keyframe's cost, to count as motion: 0.5 → 1%, 1 → 0, 0 → 4%.
func (d *Detector) minExcess() float64 {
	x := 1 - d.s.Sensitivity
	return 0.04 * x * x
}

// Observe takes the next frame in decode order and reports an event opening or closing, if one does.
func (d *Detector) Observe(f Frame) (Change, bool) {
	d.stats.Frames++
	fi := d.p.frame(f.NALUs)
	d.stats.Malformed += fi.bad
	if fi.size == 0 {
		fi.size = f.Size
	}
	dt := f.Time.Sub(d.prev)
	if d.prev.IsZero() || dt <= 0 || dt > 2*time.Second {
		dt = defaultFrame
	}
	d.prev = f.Time
	if fi.size <= 0 {
		return d.idle(f.Time)
	}
	cl := classify(&fi, f.Key, d.afterKey)
	d.afterKey = cl == classI
	c := cost(&fi)
	b := &d.base[cl]
	b.fit(fi.hasQP)
	thr := d.threshold()
	if cl == classI || !b.ready() {
		b.learn(c, float64(dt)/float64(stillLearn))
		return d.idle(f.Time)
	}
	z := min(max(b.z(c), -2), 8)
	if ib := &d.base[classI]; ib.ready() && math.Exp(c)-math.Exp(b.mean) < d.minExcess()*math.Exp(ib.mean) {
		// A frame that costs more than usual but little against a keyframe (a light change that
		// weighted prediction did not catch, a burst of noise) is not enough to count as motion.
		z = min(z, 1)
	}
	d.level += (z - d.level) * min(1, float64(dt)/float64(smoothing))
	if !d.moving && z < thr {
		b.learn(c, float64(dt)/float64(stillLearn))
	} else {
		b.learn(c, float64(dt)/float64(movingLearn))
	}
	if !d.moving {
		switch {
		case z > thr && d.onset.IsZero():
			d.onset = f.Time
		case d.level < 0.3*thr:
			d.onset = time.Time{}
		}
	}
	switch {
	case d.level > thr:
		if !d.moving {
			// The run starts at its onset: the averaged level crosses the threshold a few frames
			// after the first frame that costs like motion.
			d.moving, d.since = true, f.Time
			if !d.onset.IsZero() {
				d.since = d.onset
			}
		}
	case d.level < 0.6*thr:
		d.moving, d.onset = false, time.Time{}
	}
	if !d.moving {
		return d.idle(f.Time)
	}
	d.last = f.Time
	d.peak = max(d.peak, min(1, d.level/(2*thr)))
	if !d.open && f.Time.Sub(d.since) >= d.s.MinDuration {
		d.open, d.start = true, d.since
		return Change{Kind: Opened, Start: d.start, Score: d.peak}, true
	}
	return Change{}, false
}

// idle closes an open event once the post-roll has passed without motion.
func (d *Detector) idle(now time.Time) (Change, bool) {
	if d.open && !d.moving && now.Sub(d.last) >= d.s.PostRoll {
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
