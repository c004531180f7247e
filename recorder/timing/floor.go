package timing

import "time"

// floorBuckets is the number of buckets the jitter-floor window is split into. The window covers the
// newest floorBuckets buckets of media time, so it spans between 15/16 and all of Mapper.Window.
const floorBuckets = 16

// floorWindow keeps the jitter floor: the second-lowest observed offset (arrival minus nominal time)
// over a sliding window of media time. The second-lowest rather than the lowest, because a frame can
// only look early through a bad timestamp, and one such frame must not set the floor; two frames that
// agree may.
//
// Samples fall into fixed buckets of media time; each bucket keeps only its two lowest offsets, so
// adding is O(1) and the floor is a scan of 2*floorBuckets values, with no allocation.
type floorWindow struct {
	width int64 // ticks per bucket, at least 1
	idx   [floorBuckets]int64
	low   [floorBuckets][2]time.Duration // the bucket's lowest offsets, ascending
	n     [floorBuckets]uint8            // how many of low hold samples (0..2)
}

// reset empties the window and sets the bucket width in ticks.
func (w *floorWindow) reset(width int64) {
	*w = floorWindow{width: max(width, 1)}
}

// add records offset d observed for a frame at media time ticks (ticks >= 0, never decreasing
// between calls within a run).
func (w *floorWindow) add(ticks int64, d time.Duration) {
	idx := ticks / w.width
	s := idx % floorBuckets
	switch {
	case w.n[s] == 0 || w.idx[s] != idx:
		w.idx[s], w.low[s][0], w.n[s] = idx, d, 1
	case d < w.low[s][0]:
		w.low[s][1], w.low[s][0], w.n[s] = w.low[s][0], d, 2
	case w.n[s] == 1 || d < w.low[s][1]:
		w.low[s][1], w.n[s] = d, 2
	}
}

// floor returns the second-lowest offset among the buckets still in the window at media time ticks,
// and whether the window has history: samples at least half a window old. ok is false while the window
// holds fewer than two samples.
func (w *floorWindow) floor(ticks int64) (f time.Duration, history, ok bool) {
	cur := ticks / w.width
	oldest := cur - floorBuckets + 1
	var a, b time.Duration // lowest and second-lowest so far
	n := 0
	for s := range floorBuckets {
		if w.n[s] == 0 || w.idx[s] < oldest {
			continue
		}
		history = history || w.idx[s] <= cur-floorBuckets/2
		for _, d := range w.low[s][:w.n[s]] {
			switch {
			case n == 0 || d < a:
				a, b = d, a
			case n == 1 || d < b:
				b = d
			}
			n++
		}
	}
	return b, history, n >= 2
}
