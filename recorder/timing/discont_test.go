package timing_test

import (
	"cmp"
	"slices"
	"testing"
	"time"

	"github.com/porchlight/porchlight/recorder/timing"
)

// span is an inclusive range of frame indices.
type span struct{ lo, hi int }

// outcome is what a scenario expects: where runs start, the first frame index from which settled frames
// must be within maxErr of true time (errFrom < 0: none), and maxErr (0: 5 ms).
type outcome struct {
	starts  []span
	errFrom int
	maxErr  time.Duration
}

// at1 is the span of the single frame i.
func at1(i int) span { return span{i, i} }

// TestMapDiscontinuities runs scenarios that must, or must not, start new runs. Each row builds a stream
// of 25 frames/s at 90 kHz with delays in 0..50 ms over a link that carries 125 frames/s, returning the
// frames and the outcome expected. Beyond the run starts, it checks the invariants of checkRuns and that
// frames settled in their run (a window of media time in) are within the outcome's error ceiling.
func TestMapDiscontinuities(t *testing.T) {
	const rate = 90000
	// confirm is the longest a broken timeline can go on once frames come late: JumpThreshold of
	// media time (75 frames) and one more frame.
	const confirm = 80
	tests := []struct {
		name     string
		scenario func(c *camera) ([]frame, outcome)
	}{
		{"steady", func(c *camera) ([]frame, outcome) {
			return c.run(time.Minute), outcome{starts: []span{at1(0)}, errFrom: 0}
		}},
		{"timestamp jumps forward an hour", func(c *camera) ([]frame, outcome) {
			fs := c.run(20 * time.Second)
			k := len(fs)
			c.ts += 3600 * rate
			return append(fs, c.run(30*time.Second)...), outcome{starts: []span{at1(0), at1(k)}, errFrom: 0}
		}},
		{"timestamp jumps back 10s", func(c *camera) ([]frame, outcome) {
			fs := c.run(20 * time.Second)
			k := len(fs)
			c.ts -= 10 * rate
			return append(fs, c.run(30*time.Second)...), outcome{starts: []span{at1(0), at1(k)}, errFrom: 0}
		}},
		{"timestamp reset, 2^31 ahead reads as a step back", func(c *camera) ([]frame, outcome) {
			fs := c.run(20 * time.Second)
			k := len(fs)
			c.ts += 1<<31 + 12345
			return append(fs, c.run(30*time.Second)...), outcome{starts: []span{at1(0), at1(k)}, errFrom: 0}
		}},
		{"timestamp reset, 1.5e9 ahead reads as 4.6h forward", func(c *camera) ([]frame, outcome) {
			fs := c.run(20 * time.Second)
			k := len(fs)
			c.ts += 1_500_000_000
			return append(fs, c.run(30*time.Second)...), outcome{starts: []span{at1(0), at1(k)}, errFrom: 0}
		}},
		{"system clock stepped back an hour", func(c *camera) ([]frame, outcome) {
			fs := c.run(20 * time.Second)
			k := len(fs)
			c.clockStep = -time.Hour
			return append(fs, c.run(30*time.Second)...), outcome{starts: []span{at1(0), at1(k)}, errFrom: 0}
		}},
		{"system clock stepped forward an hour", func(c *camera) ([]frame, outcome) {
			fs := c.run(20 * time.Second)
			k := len(fs)
			c.clockStep = time.Hour
			return append(fs, c.run(30*time.Second)...), outcome{starts: []span{at1(0), {k + 1, k + confirm}}, errFrom: k + confirm}
		}},
		{"arrival gap of 10s without RTP gap", func(c *camera) ([]frame, outcome) {
			fs := c.run(20 * time.Second)
			k := len(fs)
			c.pause(10 * time.Second)
			return append(fs, c.run(30*time.Second)...), outcome{starts: []span{at1(0), {k + 1, k + confirm}}, errFrom: k + confirm}
		}},
		{"arrival gap of 4s without RTP gap", func(c *camera) ([]frame, outcome) {
			fs := c.run(20 * time.Second)
			k := len(fs)
			c.pause(4 * time.Second)
			return append(fs, c.run(30*time.Second)...), outcome{starts: []span{at1(0), {k + 1, k + confirm}}, errFrom: k + confirm}
		}},
		// Below JumpThreshold the run goes on and the correction rises at MaxSlew, so the 2 s error
		// lasts; only the absence of a new run is checked.
		{"arrival gap of 2s without RTP gap", func(c *camera) ([]frame, outcome) {
			fs := c.run(20 * time.Second)
			c.pause(2 * time.Second)
			return append(fs, c.run(30*time.Second)...), outcome{starts: []span{at1(0)}, errFrom: -1}
		}},
		{"network stall 10s then burst at 5x", func(c *camera) ([]frame, outcome) {
			fs := c.run(20 * time.Second)
			c.stall(10 * time.Second)
			return append(fs, c.run(40*time.Second)...), outcome{starts: []span{at1(0)}, errFrom: 0}
		}},
		// The link here is 65% busy, so frames queue: around the stall the window holds few frames
		// and their second-lowest delay (the bound's δ) is several ms for some seconds.
		{"network stall 30s then burst at 1.5x", func(c *camera) ([]frame, outcome) {
			c.spacing = 26 * time.Millisecond
			fs := c.run(20 * time.Second)
			c.stall(30 * time.Second)
			return append(fs, c.run(2*time.Minute)...),
				outcome{starts: []span{at1(0)}, maxErr: 10 * time.Millisecond}
		}},
		{"frames lost for 10s", func(c *camera) ([]frame, outcome) {
			fs := c.run(20 * time.Second)
			c.lose(10 * time.Second)
			return append(fs, c.run(30*time.Second)...), outcome{starts: []span{at1(0)}, errFrom: 0}
		}},
		{"frames lost for an hour", func(c *camera) ([]frame, outcome) {
			fs := c.run(20 * time.Second)
			c.lose(time.Hour)
			return append(fs, c.run(30*time.Second)...), outcome{starts: []span{at1(0)}, errFrom: 0}
		}},
		// Frames keep coming in real time while their timestamps barely move (one tick each): a stalled
		// media clock ends the run JumpThreshold of arrival time after the lateness passed it (75
		// frames late, 75 more), however little media time went by.
		{"timestamps crawl one tick a frame", func(c *camera) ([]frame, outcome) {
			fs := c.run(20 * time.Second)
			k := len(fs)
			last := fs[k-1]
			for i := range 250 {
				fs = append(fs, frame{ts: last.ts + uint32(i+1), capture: last.capture.Add(time.Duration(i+1) * 40 * time.Millisecond),
					arrival: last.arrival.Add(time.Duration(i+1) * 40 * time.Millisecond)})
			}
			return fs, outcome{starts: []span{at1(0), {k + 140, k + 160}}, errFrom: -1}
		}},
		// Frame k is delayed behind frame k+1: it steps back and keeps k+1's tick count.
		{"two frames reordered", func(c *camera) ([]frame, outcome) {
			fs := c.run(30 * time.Second)
			k := 400
			fs[k], fs[k+1] = fs[k+1], fs[k]
			fs[k+1].arrival = fs[k].arrival.Add(time.Millisecond)
			return fs, outcome{starts: []span{at1(0)}, errFrom: k + 2}
		}},
		// A frame whose timestamp is 40 ms ahead of its capture time looks early; being alone, it
		// must not drag the wall-clock time down.
		{"one frame stamped 40ms early", func(c *camera) ([]frame, outcome) {
			fs := c.run(30 * time.Second)
			k := 400
			fs[k].arrival, fs[k].capture = fs[k-1].arrival.Add(time.Millisecond), fs[k].capture.Add(-40*time.Millisecond)
			return fs, outcome{starts: []span{at1(0)}, errFrom: k + 1}
		}},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cam := newCamera(rate, 3600, 4000000000, uint64(i))
			cam.jitter, cam.spacing = 50*time.Millisecond, 8*time.Millisecond
			fs, want := tt.scenario(cam)
			out := mapAll(&timing.Mapper{ClockRate: rate}, fs)

			got := checkRuns(t, fs, out)
			if len(got) != len(want.starts) || slices.ContainsFunc(got, func(g int) bool {
				j := slices.Index(got, g)
				return g < want.starts[j].lo || g > want.starts[j].hi
			}) {
				t.Fatalf("got runs starting at frames %v, want within %v", got, want.starts)
			}
			if want.errFrom < 0 {
				return
			}
			maxErr := cmp.Or(want.maxErr, 5*time.Millisecond)
			settled := int64(timing.DefaultWindow/time.Second) * rate
			for j := want.errFrom; j < len(fs); j++ {
				if out[j].ticks < settled {
					continue
				}
				if err := out[j].wall.Sub(fs[j].capture); absDur(err) > maxErr {
					t.Fatalf("frame %d: got wall error %v, want at most %v", j, err, maxErr)
				}
			}
		})
	}
}
