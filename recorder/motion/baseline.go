package motion

import (
	"math"
	"time"
)

// frameClass is a frame's place in its GOP, which sets what it costs in a still scene: the first P after
// a keyframe predicts across the keyframe's refresh and costs more, B-frames cost less, and a B-frame
// nothing references costs least.
type frameClass uint8

const (
	classPFirst frameClass = iota // first inter frame after a keyframe
	classP
	classBRef
	classB
	classI // keyframes: tracked, not scored
	numClasses
)

// classify places a parsed frame. A frame whose header could not be read counts as P.
func classify(fi *frameInfo, key, afterKey bool) frameClass {
	switch {
	case key || fi.typ == sliceI:
		return classI
	case afterKey:
		return classPFirst
	case fi.typ == sliceB && fi.ref:
		return classBRef
	case fi.typ == sliceB:
		return classB
	}
	return classP
}

// qpBits is how much one QP step changes the coded size: the quantiser step doubles every 6 QP, and
// the bits roughly halve. So ln(size) + qpBits*QP is about the same for a picture whatever the rate
// control chose, and rises with what the picture holds: with CRF/VBR the size rises, with CBR the QP.
var qpBits = math.Ln2 / 6

// cost is the frame's complexity signal.
func cost(fi *frameInfo) float64 {
	c := math.Log(float64(max(fi.size, 1)))
	if fi.hasQP {
		c += qpBits * fi.qp
	}
	return c
}

// baseline is the running cost of one frame class in a still scene (its mean and mean absolute
// deviation per frame), and what the class's recent frames say against it: their residual cost
// averaged over about smoothing, and that average's own typical size in a still scene (its noise
// floor).
type baseline struct {
	n    int
	mean float64
	dev  float64
	qp   bool          // the costs learned carry the QP term
	last time.Time     // time of the class's previous frame
	age  time.Duration // stream time since warm-up, up to settle

	r  float64 // residual cost (cost − mean) averaged over about smoothing
	nd float64 // typical |r| while the scene is still; 0 until set from dev at warm-up
	z  float64 // r against its noise floor, as of the class's last frame
	ex float64 // excess cost over the mean, as a fraction of a keyframe's, averaged like r
}

// warmFrames is how many frames of a class set its first baseline before it is scored.
const warmFrames = 8

// noiseFloor keeps a very steady encoder (CBR, a static scene) from turning tiny changes into large
// deviations: the averaged residual's noise floor is at least 2% of a frame's cost.
const noiseFloor = 0.02

func (b *baseline) ready() bool { return b.n >= warmFrames }

// fit starts the baseline over when a frame's cost carries the QP term and the costs it learned did
// not: a reader that joins a camera mid-GOP has no parameter sets (so no QP) until the first keyframe
// brings them in band, and the QP term adds several units to every cost from then on. The other way
// (a frame without QP against a baseline with it: an unreadable header) only lowers that frame's cost,
// which never counts as motion.
func (b *baseline) fit(hasQP bool) {
	if hasQP && !b.qp {
		*b = baseline{qp: true}
	}
}

// interval is the stream time since the class's previous frame (bounded), and notes this frame's.
func (b *baseline) interval(now time.Time, dt time.Duration) time.Duration {
	if !b.last.IsZero() {
		if d := now.Sub(b.last); d > 0 {
			dt = min(d, 2*time.Second)
		}
	}
	b.last = now
	return dt
}

// observe averages the residual of a frame of cost c (and its excess over the mean, against a
// keyframe's cost key) into r and ex, by the fraction a, and returns r in units of its noise floor.
func (b *baseline) observe(c, key, a float64) float64 {
	b.r += a * (c - b.mean - b.r)
	if key > 0 {
		b.ex += a * ((math.Exp(c)-math.Exp(b.mean))/key - b.ex)
	}
	if b.nd == 0 {
		b.nd = b.dev
	}
	return b.r / max(b.nd, noiseFloor)
}

// learn moves the baseline toward c by the fraction a (after warm-up) and the noise floor toward |r|
// by the fraction an; while the class's frames have cost less than the baseline of late, the mean
// comes down four times faster, so a baseline learned while something moved settles on the still
// scene quickly.
func (b *baseline) learn(c, a, an float64) {
	if b.n < warmFrames {
		b.n++
		d := c - b.mean
		b.mean += d / float64(b.n)
		b.dev += (math.Abs(c-b.mean) - b.dev) / float64(b.n)
		return
	}
	if b.r < 0 {
		a = min(1, 4*a)
	}
	b.mean += a * (c - b.mean)
	b.dev += a * (math.Abs(c-b.mean) - b.dev)
	b.nd += an * (min(math.Abs(b.r), 2*b.nd) - b.nd)
}
