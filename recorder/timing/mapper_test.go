package timing_test

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/porchlight/porchlight/recorder/timing"
)

// absDur returns |d|.
func absDur(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

// secondMinDelays returns, for every frame, the second-smallest network delay (arrival - capture) among
// the frames captured within span before it, itself included (or its own delay when it is alone).
func secondMinDelays(fs []frame, span time.Duration) []time.Duration {
	delay := make([]time.Duration, len(fs))
	capture := make([]time.Duration, len(fs))
	for i, f := range fs {
		delay[i], capture[i] = f.arrival.Sub(f.capture), f.capture.Sub(t0)
	}
	out := make([]time.Duration, len(fs))
	for i := range fs {
		a, b := delay[i], time.Duration(math.MaxInt64) // lowest and second-lowest
		for j := i - 1; j >= 0 && capture[i]-capture[j] < span; j-- {
			if d := delay[j]; d < a {
				a, b = d, a
			} else if d < b {
				b = d
			}
		}
		if b == math.MaxInt64 {
			b = a
		}
		out[i] = b
	}
	return out
}

// TestMapAccuracy checks that wall-clock time stays close to true capture time for steady streams, with
// network jitter and with drifting camera clocks, and that none of these ends a run.
//
// The bound checked for every frame once the window has filled is the one the package documentation
// derives: the error lies in [-ρ·W, δ + ρ·W] for drift ρ, window W = 10 s and δ the second-smallest
// delay among the frames of the window (computed here from the simulation over 0.9·W, the shortest span
// the bucketed window covers), with 0.25 ms slack for the rate-limited correction. With ρ = 200 ppm,
// ρ·W is 2 ms; δ stays near or below 1 ms with 25 frames/s of delays in 0..50 ms. Each row also asserts a
// plain ceiling maxErr (5 ms for the 2-hour drift rows, far inside the ~20 ms asked for).
func TestMapAccuracy(t *testing.T) {
	const window = timing.DefaultWindow
	const slack = 250 * time.Microsecond
	tests := []struct {
		name       string
		rate, step uint32
		ppm        float64
		jitter     time.Duration
		dur        time.Duration
		settle     time.Duration // true time after which the bounds apply
		maxErr     time.Duration
	}{
		{name: "steady video", rate: 90000, step: 3600, dur: time.Minute, maxErr: time.Microsecond},
		{name: "steady audio", rate: 48000, step: 1024, dur: time.Minute, maxErr: time.Microsecond},
		{name: "steady 8 kHz", rate: 8000, step: 160, dur: time.Minute, maxErr: time.Microsecond},
		{name: "jitter 50ms video", rate: 90000, step: 3600, jitter: 50 * time.Millisecond,
			dur: 10 * time.Minute, settle: window, maxErr: 3 * time.Millisecond},
		{name: "jitter 50ms audio", rate: 48000, step: 1024, jitter: 50 * time.Millisecond,
			dur: 10 * time.Minute, settle: window, maxErr: 3 * time.Millisecond},
		// Without jitter the drift bound is exact: 0 for a fast clock, -ρ·W = -2 ms for a slow one.
		{name: "+200ppm no jitter", rate: 90000, step: 3600, ppm: 200, dur: time.Hour,
			settle: window, maxErr: 10 * time.Microsecond},
		{name: "-200ppm no jitter", rate: 90000, step: 3600, ppm: -200, dur: time.Hour,
			settle: window, maxErr: 2*time.Millisecond + 10*time.Microsecond},
		{name: "+200ppm 2h video", rate: 90000, step: 3600, ppm: 200, jitter: 50 * time.Millisecond,
			dur: 2 * time.Hour, settle: window, maxErr: 5 * time.Millisecond},
		{name: "-200ppm 2h video", rate: 90000, step: 3600, ppm: -200, jitter: 50 * time.Millisecond,
			dur: 2 * time.Hour, settle: window, maxErr: 5 * time.Millisecond},
		{name: "+200ppm 2h audio", rate: 48000, step: 1024, ppm: 200, jitter: 50 * time.Millisecond,
			dur: 2 * time.Hour, settle: window, maxErr: 5 * time.Millisecond},
		{name: "-200ppm 2h audio", rate: 48000, step: 1024, ppm: -200, jitter: 50 * time.Millisecond,
			dur: 2 * time.Hour, settle: window, maxErr: 5 * time.Millisecond},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cam := newCamera(tt.rate, tt.step, 123456789, uint64(i))
			cam.ppm, cam.jitter = tt.ppm, tt.jitter
			fs := cam.run(tt.dur)
			out := mapAll(&timing.Mapper{ClockRate: tt.rate}, fs)

			if starts := checkRuns(t, fs, out); len(starts) != 1 {
				t.Fatalf("got runs starting at frames %v, want one run", starts)
			}
			drift := time.Duration(absFloat(tt.ppm) * 1e-6 * float64(window))
			delta := secondMinDelays(fs, window*9/10)
			var worst time.Duration
			for j, o := range out {
				err := o.wall.Sub(fs[j].capture)
				// Before settling the error is the anchor frame's delay being removed.
				if err < -tt.maxErr || err > tt.jitter+tt.maxErr {
					t.Fatalf("frame %d: got wall error %v, want within [%v, %v]", j, err, -tt.maxErr, tt.jitter+tt.maxErr)
				}
				if fs[j].capture.Sub(t0) < tt.settle {
					continue
				}
				worst = max(worst, absDur(err))
				if absDur(err) > tt.maxErr {
					t.Fatalf("frame %d at %v: got wall error %v, want at most %v",
						j, fs[j].capture.Sub(t0), err, tt.maxErr)
				}
				if lo, hi := -drift-slack, delta[j]+drift+slack; err < lo || err > hi {
					t.Fatalf("frame %d at %v: got wall error %v, want within the bound [%v, %v]",
						j, fs[j].capture.Sub(t0), err, lo, hi)
				}
			}
			t.Logf("%d frames, worst settled wall error %v", len(fs), worst)
		})
	}
}

// absFloat returns |x|.
func absFloat(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// TestMapWrap checks that an RTP timestamp wrapping around 2^32 mid-stream keeps the run and its tick
// count continuous.
func TestMapWrap(t *testing.T) {
	tests := []struct {
		name       string
		rate, step uint32
	}{
		{name: "video", rate: 90000, step: 3600},
		{name: "audio", rate: 48000, step: 1024},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base := uint32(1<<32 - 10*uint64(tt.rate)) // wraps 10 s in
			cam := newCamera(tt.rate, tt.step, base, uint64(i))
			cam.jitter = 20 * time.Millisecond
			fs := cam.run(30 * time.Second)
			out := mapAll(&timing.Mapper{ClockRate: tt.rate}, fs)

			if starts := checkRuns(t, fs, out); len(starts) != 1 {
				t.Fatalf("got runs starting at frames %v, want one run", starts)
			}
			wrapped := false
			for j, o := range out {
				if got, want := o.ticks, int64(j)*int64(tt.step); got != want {
					t.Fatalf("frame %d (ts %d): got ticks %d, want %d", j, fs[j].ts, got, want)
				}
				wrapped = wrapped || (j > 0 && fs[j].ts < fs[j-1].ts)
			}
			if !wrapped {
				t.Fatalf("got no wrap-around in the simulated timestamps, want one")
			}
			last := len(fs) - 1
			if err := out[last].wall.Sub(fs[last].capture); absDur(err) > time.Millisecond {
				t.Errorf("last frame: got wall error %v, want at most 1ms", err)
			}
		})
	}
}

// TestMapReset checks that Reset makes the next frame start a new run.
func TestMapReset(t *testing.T) {
	cam := newCamera(90000, 3600, 0, 1)
	m := &timing.Mapper{ClockRate: 90000}
	mapAll(m, cam.run(5*time.Second))
	m.Reset()
	f := cam.next()
	ticks, wall, discont := m.Map(f.ts, f.arrival)
	if !discont || ticks != 0 || !wall.Equal(f.arrival) {
		t.Errorf("after Reset: got ticks %d wall %v discont %v, want 0, %v, true", ticks, wall, discont, f.arrival)
	}
}

// TestMapWallClockReadings checks that Map works on wall-clock readings: times from time.Now carry a
// monotonic reading, which Map strips so that a stepped system clock is seen (the discontinuity table
// covers the steps themselves), and the times it returns carry none.
func TestMapWallClockReadings(t *testing.T) {
	m := &timing.Mapper{ClockRate: 90000}
	now := time.Now()
	for i, arrival := range []time.Time{now, now.Add(40 * time.Millisecond), now.Add(80 * time.Millisecond)} {
		_, wall, _ := m.Map(uint32(i*3600), arrival)
		if got := wall.String(); strings.Contains(got, " m=") {
			t.Errorf("frame %d: got wall %s with a monotonic reading, want none", i, got)
		}
		if got, want := wall, arrival.Round(0); !got.Equal(want) {
			t.Errorf("frame %d: got wall %v, want %v", i, got, want)
		}
	}
}
