package timing_test

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/porchlight/porchlight/recorder/timing"
)

// t0 is true time zero of every simulation.
var t0 = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

// frame is one simulated frame: its RTP timestamp, when it was truly captured and when it arrived, both
// read on the receiver's system clock.
type frame struct {
	ts      uint32
	capture time.Time
	arrival time.Time
}

// camera simulates an encoder that emits a frame every step ticks of its own clock, which runs ppm parts
// per million fast, sending over a network that delays each frame by extra plus a uniform 0..jitter and
// delivers in order (as TCP does) over a link that needs spacing per frame.
type camera struct {
	rate, step uint32
	ppm        float64
	jitter     time.Duration
	extra      time.Duration
	spacing    time.Duration
	clockStep  time.Duration // error of the receiver's system clock, added to arrival times
	rng        *rand.Rand

	ts   uint32
	now  float64   // true time of the next capture, in seconds since t0
	link time.Time // earliest time the link can deliver the next frame
}

// newCamera returns a camera at rate with frames every step ticks, starting at timestamp base.
func newCamera(rate, step, base uint32, seed uint64) *camera {
	return &camera{rate: rate, step: step, ts: base, rng: rand.New(rand.NewPCG(seed, 1))}
}

// at returns the true time sec seconds after t0.
func at(sec float64) time.Time {
	return t0.Add(time.Duration(sec * float64(time.Second)))
}

// tick advances the camera's clock by one frame without sending anything.
func (c *camera) tick() {
	c.ts += c.step
	c.now += float64(c.step) / (float64(c.rate) * (1 + c.ppm*1e-6))
}

// next captures and sends one frame.
func (c *camera) next() frame {
	f := frame{ts: c.ts, capture: at(c.now)}
	delay := c.extra
	if c.jitter > 0 {
		delay += time.Duration(c.rng.Int64N(int64(c.jitter)))
	}
	f.arrival = f.capture.Add(delay)
	if f.arrival.Before(c.link) {
		f.arrival = c.link
	}
	c.link = f.arrival.Add(c.spacing)
	f.capture = f.capture.Add(c.clockStep)
	f.arrival = f.arrival.Add(c.clockStep)
	c.tick()
	return f
}

// run captures and sends frames for d of true time.
func (c *camera) run(d time.Duration) []frame {
	var fs []frame
	for end := c.now + d.Seconds(); c.now < end; {
		fs = append(fs, c.next())
	}
	return fs
}

// lose lets d of true time pass during which frames are captured but never arrive.
func (c *camera) lose(d time.Duration) {
	for end := c.now + d.Seconds(); c.now < end; {
		c.tick()
	}
}

// pause lets d of true time pass with the camera's timestamps standing still.
func (c *camera) pause(d time.Duration) {
	c.now += d.Seconds()
}

// stall blocks the link for d from the next capture on; frames queue and then arrive in a burst.
func (c *camera) stall(d time.Duration) {
	c.link = at(c.now).Add(d)
}

// mapped is a Mapper's answer for one frame.
type mapped struct {
	ticks   int64
	wall    time.Time
	discont bool
}

// mapAll feeds fs to m in order.
func mapAll(m *timing.Mapper, fs []frame) []mapped {
	out := make([]mapped, len(fs))
	for i, f := range fs {
		out[i].ticks, out[i].wall, out[i].discont = m.Map(f.ts, f.arrival)
	}
	return out
}

// checkRuns checks the invariants every output must keep: a run starts at tick 0 at its arrival time;
// within a run ticks follow the RTP timestamps (a frame stepping back keeps the previous count) and
// neither ticks nor wall-clock time decrease. It returns the indices of the frames that start runs.
func checkRuns(t *testing.T, fs []frame, out []mapped) []int {
	t.Helper()
	var starts []int
	var newest uint32 // newest timestamp accepted into the run
	for i, o := range out {
		if o.discont || i == 0 {
			if !o.discont {
				t.Fatalf("frame 0: got discont false, want true")
			}
			if o.ticks != 0 || !o.wall.Equal(fs[i].arrival) {
				t.Fatalf("frame %d starts a run: got ticks %d wall %v, want 0 and arrival %v",
					i, o.ticks, o.wall, fs[i].arrival)
			}
			starts = append(starts, i)
			newest = fs[i].ts
			continue
		}
		want := out[i-1].ticks
		if step := int64(int32(fs[i].ts - newest)); step >= 0 {
			want += step
			newest = fs[i].ts
		}
		if o.ticks != want {
			t.Fatalf("frame %d: got ticks %d, want %d", i, o.ticks, want)
		}
		if o.wall.Before(out[i-1].wall) {
			t.Fatalf("frame %d: wall went back from %v to %v", i, out[i-1].wall, o.wall)
		}
	}
	return starts
}
