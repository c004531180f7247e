package export

import (
	"slices"
	"testing"
	"time"

	"github.com/porchlight/porchlight/recorder/index"
)

func TestFillSamples(t *testing.T) {
	t0 := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	frames := func(n int, dur uint32) []index.Frame {
		out := make([]index.Frame, n)
		for i := range out {
			out[i] = index.Frame{Size: 10, Duration: dur, Key: i == 0}
		}
		return out
	}
	cases := []struct {
		name        string
		secondStart time.Duration // of the second segment, from the first
		secondScale uint32
		secondDur   uint32
		start       time.Duration // of the clip
		wantDurs    []uint32      // in the first segment's timescale, 1000
		wantMedia   int64
		wantDelay   time.Duration
	}{
		{"contiguous", 300 * time.Millisecond, 1000, 100, 0, []uint32{100, 100, 100, 100, 100}, 0, 0},
		{"gap stretches the last sample", time.Second, 1000, 100, 0, []uint32{100, 100, 800, 100, 100}, 0, 0},
		{"other timescale is rescaled", 300 * time.Millisecond, 2000, 200, 0, []uint32{100, 100, 100, 100, 100}, 0, 0},
		{"overlap shortens the last sample", 250 * time.Millisecond, 1000, 100, 0, []uint32{100, 100, 50, 100, 100}, 0, 0},
		{"long overlap keeps half a frame", 100 * time.Millisecond, 1000, 100, 0, []uint32{100, 100, 50, 100, 100}, 0, 0},
		{"start inside the first sample", 300 * time.Millisecond, 1000, 100, 50 * time.Millisecond,
			[]uint32{100, 100, 100, 100, 100}, 50, 0},
		{"start before the first sample", 300 * time.Millisecond, 1000, 100, -20 * time.Millisecond,
			[]uint32{100, 100, 100, 100, 100}, 0, 20 * time.Millisecond},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			segs := []*index.Segment{
				{Start: t0, Tracks: []index.Track{{Kind: index.Video, TimeScale: 1000, Frames: frames(3, 100)}}},
				{Start: t0.Add(tc.secondStart), Tracks: []index.Track{{Kind: index.Video,
					TimeScale: tc.secondScale, Frames: frames(2, tc.secondDur)}}},
			}
			sel := &trackSel{kind: index.Video, refs: []trackRef{{0, 0}, {1, 0}}, last: pos{1, 1}, origin: t0}
			tb := &table{sel: sel, timescale: 1000}
			tb.ranges = sel.ranges(segs)
			tb.fillSamples(segs, t0.Add(tc.start))
			if got := expand(tb.durs); !slices.Equal(got, tc.wantDurs) {
				t.Errorf("durations: got %v (runs %v), want %v", got, tb.durs, tc.wantDurs)
			}
			var sum uint64
			for _, d := range tc.wantDurs {
				sum += uint64(d)
			}
			if tb.duration() != sum {
				t.Errorf("duration: got %d, want %d", tb.duration(), sum)
			}
			if tb.mediaTime != tc.wantMedia || tb.delay != tc.wantDelay {
				t.Errorf("edit: got media time %d, delay %s, want %d, %s", tb.mediaTime, tb.delay, tc.wantMedia,
					tc.wantDelay)
			}
			if got, want := tb.syncs, []uint32{1, 4}; !slices.Equal(got, want) {
				t.Errorf("sync samples: got %v, want %v", got, want)
			}
		})
	}
}

// expand lists the values of runs sample by sample.
func expand(runs []run) []uint32 {
	var out []uint32
	for _, r := range runs {
		for range r.count {
			out = append(out, r.value)
		}
	}
	return out
}
