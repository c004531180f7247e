package timing

import (
	"math"
	"testing"
	"time"
)

func TestUnwrapDelta(t *testing.T) {
	tests := []struct {
		name     string
		raw, ts  uint32
		want     int64
		wantHead int64 // head after advancing, when want >= 0
	}{
		{name: "same", raw: 1000, ts: 1000, want: 0, wantHead: 0},
		{name: "forward", raw: 1000, ts: 4600, want: 3600, wantHead: 3600},
		{name: "forward across 2^32", raw: math.MaxUint32 - 99, ts: 3500, want: 3600, wantHead: 3600},
		{name: "back", raw: 4600, ts: 1000, want: -3600},
		{name: "back across 0", raw: 100, ts: math.MaxUint32 - 3499, want: -3600},
		{name: "largest forward", raw: 0, ts: 1<<31 - 1, want: 1<<31 - 1, wantHead: 1<<31 - 1},
		{name: "half way reads as back", raw: 0, ts: 1 << 31, want: -1 << 31},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var u unwrapper
			u.reset(tt.raw)
			got := u.delta(tt.ts)
			if got != tt.want {
				t.Fatalf("delta(%d) from %d: got %d, want %d", tt.ts, tt.raw, got, tt.want)
			}
			if got < 0 {
				return
			}
			u.advance(tt.ts, got)
			if u.head != tt.wantHead || u.raw != tt.ts {
				t.Errorf("after advance: got head %d raw %d, want %d and %d", u.head, u.raw, tt.wantHead, tt.ts)
			}
		})
	}
}

func TestTickConversions(t *testing.T) {
	tests := []struct {
		name  string
		ticks int64
		rate  uint32
		dur   time.Duration
	}{
		{name: "zero", ticks: 0, rate: 90000, dur: 0},
		{name: "one frame", ticks: 3600, rate: 90000, dur: 40 * time.Millisecond},
		{name: "one tick", ticks: 1, rate: 90000, dur: 11111 * time.Nanosecond},
		{name: "negative", ticks: -45000, rate: 90000, dur: -500 * time.Millisecond},
		{name: "audio frame", ticks: 1024, rate: 48000, dur: 21333333 * time.Nanosecond},
		{name: "a year at 90 kHz", ticks: 365 * 86400 * 90000, rate: 90000, dur: 365 * 24 * time.Hour},
		{name: "max rate", ticks: math.MaxUint32, rate: math.MaxUint32, dur: time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ticksToDur(tt.ticks, tt.rate); got != tt.dur {
				t.Errorf("ticksToDur(%d, %d): got %v, want %v", tt.ticks, tt.rate, got, tt.dur)
			}
			if tt.ticks < 0 {
				return
			}
			// Durations truncate, so converting back may lose at most one tick.
			if got := durToTicks(tt.dur, tt.rate); got != tt.ticks && got != tt.ticks-1 {
				t.Errorf("durToTicks(%v, %d): got %d, want %d", tt.dur, tt.rate, got, tt.ticks)
			}
		})
	}
	if got := durToTicks(math.MaxInt64, math.MaxUint32); got != math.MaxInt64 {
		t.Errorf("durToTicks(max, max): got %d, want saturation at %d", got, int64(math.MaxInt64))
	}
	if got := durToTicks(-time.Second, 90000); got != 0 {
		t.Errorf("durToTicks(-1s): got %d, want 0", got)
	}
}

func TestFloorWindow(t *testing.T) {
	const width = 100 // ticks per bucket; the window spans 16 buckets
	type sample struct {
		ticks int64
		d     time.Duration
	}
	tests := []struct {
		name        string
		samples     []sample
		at          int64
		want        time.Duration
		wantHistory bool
		wantOK      bool
	}{
		{name: "empty", at: 0},
		{name: "one sample is not a floor", samples: []sample{{0, 5}}, at: 0},
		{name: "two samples, one bucket", samples: []sample{{0, 5}, {10, 3}}, at: 10, want: 5, wantOK: true},
		{name: "second-lowest across buckets", samples: []sample{{0, 9}, {100, 2}, {200, 7}, {300, 4}, {310, 8}},
			at: 310, want: 4, wantOK: true},
		{name: "one outlier ignored", samples: []sample{{0, 10}, {50, -1000}, {100, 12}, {150, 11}},
			at: 150, want: 10, wantOK: true},
		{name: "same bucket keeps two lowest", samples: []sample{{0, 9}, {1, 3}, {2, 7}, {3, 5}},
			at: 3, want: 5, wantOK: true},
		{name: "history after half a window", samples: []sample{{0, 1}, {800, 2}}, at: 800,
			want: 2, wantHistory: true, wantOK: true},
		{name: "no history before", samples: []sample{{100, 1}, {800, 2}}, at: 800, want: 2, wantOK: true},
		{name: "old buckets expire", samples: []sample{{0, 1}, {50, 1}, {1600, 6}, {1650, 8}},
			at: 1650, want: 8, wantOK: true},
		{name: "oldest bucket still in", samples: []sample{{100, 1}, {1600, 6}, {1650, 8}},
			at: 1650, want: 6, wantHistory: true, wantOK: true},
		{name: "reused slot starts fresh", samples: []sample{{0, 1}, {0, 2}, {1600, 7}, {1610, 9}},
			at: 1610, want: 9, wantOK: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var w floorWindow
			w.reset(width)
			for _, s := range tt.samples {
				w.add(s.ticks, s.d)
			}
			got, history, ok := w.floor(tt.at)
			if ok != tt.wantOK || ok && (got != tt.want || history != tt.wantHistory) {
				t.Errorf("floor(%d): got %v, history %v, ok %v; want %v, %v, %v",
					tt.at, got, history, ok, tt.want, tt.wantHistory, tt.wantOK)
			}
		})
	}
}
