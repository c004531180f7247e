package timing

import "time"

// floorBuckets is the number of buckets the jitter-floor window is split into. The window covers the
// newest floorBuckets buckets of media time, so it spans between 15/16 and all of Mapper.Window.
const floorBuckets = 16

// floorWindow keeps the minimum of the observed offset (arrival minus nominal time) over a sliding
// window of media time. Samples fall into fixed buckets of media time; each bucket keeps only its
// minimum, so adding is O(1) and the floor is a scan of floorBuckets values, with no allocation.
type floorWindow struct {
	width int64 // ticks per bucket, at least 1
	idx   [floorBuckets]int64
	min   [floorBuckets]time.Duration
	used  [floorBuckets]bool
}

// reset empties the window and sets the bucket width in ticks.
func (w *floorWindow) reset(width int64) {
	*w = floorWindow{width: max(width, 1)}
}

// add records offset d observed for a frame at media time ticks (ticks >= 0, never decreasing
// between calls within a run).
func (w *floorWindow) add(ticks int64, d time.Duration) {
	idx := ticks / w.width
	slot := idx % floorBuckets
	if !w.used[slot] || w.idx[slot] != idx {
		w.idx[slot], w.min[slot], w.used[slot] = idx, d, true
		return
	}
	w.min[slot] = min(w.min[slot], d)
}

// floor returns the minimum offset over the buckets that are still in the window at media time
// ticks, and false when none is.
func (w *floorWindow) floor(ticks int64) (time.Duration, bool) {
	oldest := ticks/w.width - floorBuckets + 1
	var f time.Duration
	ok := false
	for i := range floorBuckets {
		if !w.used[i] || w.idx[i] < oldest {
			continue
		}
		if !ok || w.min[i] < f {
			f, ok = w.min[i], true
		}
	}
	return f, ok
}
