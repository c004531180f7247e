package motion

import "math"

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

// baseline is the running cost of one frame class in a still scene: its mean and mean absolute
// deviation, learned from the first frames and then followed with a time-constant average.
type baseline struct {
	n    int
	mean float64
	dev  float64
	qp   bool // the costs learned carry the QP term
}

// warmFrames is how many frames of a class set its first baseline before it is scored.
const warmFrames = 8

// devFloor keeps a very steady encoder (CBR, a static scene) from turning tiny changes into large
// deviations: 4% of a frame's cost.
const devFloor = 0.04

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

// z is how far c lies above the baseline, in deviations.
func (b *baseline) z(c float64) float64 {
	return (c - b.mean) / max(b.dev, devFloor)
}

// learn moves the baseline toward c by the fraction a (after warm-up); cheaper frames pull it down four
// times faster, so a baseline learned while something moved comes down to the still scene quickly.
func (b *baseline) learn(c, a float64) {
	if b.n < warmFrames {
		b.n++
		d := c - b.mean
		b.mean += d / float64(b.n)
		b.dev += (math.Abs(c-b.mean) - b.dev) / float64(b.n)
		return
	}
	if c < b.mean {
		a = min(1, 4*a)
	}
	b.mean += a * (c - b.mean)
	b.dev += a * (math.Abs(c-b.mean) - b.dev)
}
