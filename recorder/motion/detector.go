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
	gop   gopScore
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
	noiseLearn   = 16 * time.Second      // the noise floor of the averaged residual follows a still scene
	classStale   = 2 * time.Second       // a class not seen this long is left out of the level
	settle       = 16 * time.Second      // a class is scored once its noise floor has been learned this long
	defaultFrame = 40 * time.Millisecond // frame interval assumed when timestamps do not tell
)

// threshold maps Sensitivity (0..1) to the averaged residual, in units of its noise floor, that counts
// as motion: 0.5 → 5.5, 1 → 2.75, 0 → 13.75.
func (d *Detector) threshold() float64 {
	x := 1 - d.s.Sensitivity
	return 2.75 + 11*x*x
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
	dtc := b.interval(f.Time, dt)
	still := float64(dtc) / float64(stillLearn)
	if cl == classI {
		d.gop.key(f.Time, !d.moving && d.gop.z < 0.5*d.threshold())
		d.level = d.combined(f.Time)
	}
	if cl == classI || !b.ready() {
		b.learn(c, still, 0)
		return d.idle(f.Time)
	}
	d.gop.add(c)
	key := 0.0
	if ib := &d.base[classI]; ib.n > 0 {
		key = math.Exp(ib.mean)
	}
	z := b.observe(c, key, min(1, float64(dtc)/float64(smoothing)))
	if b.age < settle {
		// The noise floor is still being learned: the class is not scored yet.
		b.age += dtc
		b.z = 0
		b.learn(c, still, float64(dtc)/float64(noiseLearn))
		d.level = d.combined(f.Time)
		return d.idle(f.Time)
	}
	if b.ex < d.minExcess() {
		// A class that costs more than usual but little against a keyframe (a light change that
		// weighted prediction did not catch, a burst of noise) is not enough to count as motion.
		z = min(z, 1)
	}
	b.z = z
	d.level = d.combined(f.Time)
	thr := d.threshold()
	switch {
	case d.moving || z > thr:
		b.learn(c, float64(dtc)/float64(movingLearn), 0)
	case z > 0.5*thr:
		// Half-way to motion: something may be starting slowly (people walking into a dark
		// picture); the baseline waits four times longer before taking it for the scene.
		b.learn(c, still/4, 0)
	default:
		b.learn(c, still, float64(dtc)/float64(noiseLearn))
	}
	if !d.moving {
		switch {
		case d.level > 0.5*thr && d.onset.IsZero():
			d.onset = f.Time
		case d.level < 0.25*thr:
			d.onset = time.Time{}
		}
	}
	switch {
	case d.level > thr:
		if !d.moving {
			// The run starts at its onset: the averaged level crosses the threshold some frames
			// after it began to rise.
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

// combined is the motion level: the highest averaged residual, in units of its noise floor, of the
// classes that are scored and seen of late. Each class is measured against its own noise, so B-frames
// that barely change (a camera repeating pictures) do not dilute P-frames that carry the motion. The
// first P-frame after a keyframe is left out: one frame per GOP, its average is that single frame.
func (d *Detector) combined(now time.Time) float64 {
	l := math.Inf(-1)
	for cl := classP; cl < classI; cl++ {
		b := &d.base[cl]
		if b.ready() && b.nd > 0 && now.Sub(b.last) <= classStale {
			l = max(l, b.z)
		}
	}
	g := d.gop.z
	if ex := d.maxExcess(now); ex < d.minExcess() {
		g = min(g, 1)
	}
	if math.IsInf(l, -1) {
		return g
	}
	return max(l, g)
}

// maxExcess is the highest averaged excess, against a keyframe, of the classes seen of late.
func (d *Detector) maxExcess(now time.Time) float64 {
	ex := math.Inf(-1)
	for cl := classPFirst; cl < classI; cl++ {
		if b := &d.base[cl]; b.ready() && now.Sub(b.last) <= classStale {
			ex = max(ex, b.ex)
		}
	}
	return ex
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
