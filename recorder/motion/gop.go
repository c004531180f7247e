package motion

import (
	"math"
	"time"
)

// gopScore scores whole GOPs: the mean cost of a GOP's inter frames against that of still GOPs, taken
// at the keyframe that ends the GOP and held until the next. Under CBR the rate control
// moves bits between places in the GOP (frames after the keyframe starved, frames before the next one
// large), so single classes swing with the GOP while the GOP as a whole is steady, and rises with
// motion: the keyframe gets smaller, QP rises and the inter frames take the bits.
type gopScore struct {
	sum   float64
	n     int
	start time.Time // keyframe that began the GOP being summed

	mean float64 // mean inter-frame cost of a still GOP
	nd   float64 // typical |GOP cost − mean| of a still GOP
	seen int     // GOPs scored
	z    float64 // the last GOP's mean against nd; 0 while learning
}

// gopMaxLen is the longest GOP scored: a longer one would hold its score (and an event) too long
// after the motion ends.
const gopMaxLen = 2 * time.Second

// gopWarm is how many GOPs set the noise floor before GOPs are scored.
const gopWarm = 16

// gopFloor is the least noise floor of a GOP's cost: 5% (a still GOP under CBR varies by about that).
const gopFloor = 0.05

// add sums an inter frame's cost.
func (g *gopScore) add(c float64) {
	g.sum += c
	g.n++
}

// key ends the GOP at a keyframe at now, scores it and starts the next; learn says whether the scene
// is still (the still GOP's cost and noise floor learn over about 8 GOPs then, the cost over minutes
// otherwise). GOPs longer
// than gopMaxLen and the first gopWarm GOPs score 0.
func (g *gopScore) key(now time.Time, learn bool) {
	defer func() { g.sum, g.n, g.start = 0, 0, now }()
	if g.start.IsZero() || g.n < 4 || now.Sub(g.start) > gopMaxLen {
		g.z = 0
		return
	}
	c := g.sum / float64(g.n)
	if g.seen == 0 {
		g.mean = c
	}
	m := c - g.mean
	g.z = 0
	if g.seen >= gopWarm {
		g.z = m / max(g.nd, gopFloor)
	}
	g.seen++
	if learn || g.seen <= gopWarm {
		g.nd += (min(math.Abs(m), 2*max(g.nd, gopFloor)) - g.nd) / 8
		g.mean += (c - g.mean) / 8
	} else {
		// As the classes' baselines do while the scene moves: a lasting change of the scene (a
		// light switched on) is taken in within minutes and ends its event.
		g.mean += (c - g.mean) * min(1, float64(now.Sub(g.start))/float64(movingLearn))
	}
}
