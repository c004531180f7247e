package recorder

import (
	"slices"
	"time"
)

// candidate is a segment retention may delete.
type candidate struct {
	key    string // stream key
	camera string
	id     uint64
	start  time.Time
	end    time.Time
	size   int64
	file   string
}

// retentionInput is everything a retention decision depends on; planRetention is a pure function of it.
type retentionInput struct {
	now     time.Time
	global  Limits
	cameras map[string]Limits // per-camera limits
	// oldest holds, per stream key, its oldest segments oldest-first (not necessarily all of them).
	oldest map[string][]candidate
	// bytes is the total size of each stream.
	bytes   map[string]int64
	free    int64 // free bytes on the filesystem, -1 when unknown
	minFree int64
	need    int64 // bytes to free now on top of the limits (a write failed on a full disk)
	held    func(camera string, start, end time.Time) bool
	open    map[string]uint64 // per stream, the lowest ID that may still be written: it and later are kept
	// credit is how many bytes deletions for free space (minFree, need) may take: what Porchlight's own
	// recording wrote since the disk was last fine. They go on while it is positive, so the last one may
	// overshoot it by less than a segment.
	credit int64
	// keep is, per stream, the floor of recent footage: deletions for free space leave every segment
	// that ends after it. A stream without an entry has no floor.
	keep map[string]time.Time
}

// retentionPlan is what planRetention decided.
type retentionPlan struct {
	del []candidate
	// spent is the size of the deletions made for free space, which the credit pays for.
	spent int64
	// short reports that free space stays below minFree, or need unmet, after the plan: the credit, the
	// floor of recent footage, holds or the open segments left nothing more to delete.
	short bool
}

// planRetention returns the segments to delete, oldest first within each reason: first what is older
// than max_age, then what exceeds per-camera max_bytes, then globally oldest-first while the total is over
// max_bytes, then, while free space is under the floor or need is not yet met, globally oldest-first again
// within the credit and above each stream's floor of recent footage.
func planRetention(in retentionInput) retentionPlan {
	var del []candidate
	gone := map[string]int{} // per stream, how many of oldest are planned
	camBytes := map[string]int64{}
	var total int64
	for _, cands := range in.oldest {
		if len(cands) > 0 {
			camBytes[cands[0].camera] += in.bytes[cands[0].key]
		}
	}
	for _, b := range in.bytes {
		total += b
	}
	deletable := func(c candidate) bool {
		if id, ok := in.open[c.key]; ok && c.id >= id {
			return false
		}
		return in.held == nil || !in.held(c.camera, c.start, c.end)
	}
	take := func(c candidate) {
		del = append(del, c)
		gone[c.key]++
		camBytes[c.camera] -= c.size
		total -= c.size
		if in.free >= 0 {
			in.free += c.size
		}
		in.need -= c.size
	}
	// next returns the next not-yet-planned deletable candidate of a stream.
	next := func(key string) (candidate, bool) {
		for _, c := range in.oldest[key][gone[key]:] {
			if deletable(c) {
				return c, true
			}
			gone[key]++ // held or open: skip it, keep looking at younger ones
		}
		return candidate{}, false
	}
	keys := make([]string, 0, len(in.oldest))
	for k := range in.oldest {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, key := range keys {
		for {
			c, ok := next(key)
			if !ok {
				break
			}
			lim := in.cameras[c.camera]
			age := minPositive(lim.MaxAge, in.global.MaxAge)
			tooOld := age > 0 && in.now.Sub(c.end) > age
			tooBig := lim.MaxBytes > 0 && camBytes[c.camera] > lim.MaxBytes
			if !tooOld && !tooBig {
				break
			}
			take(c)
		}
	}
	// oldest returns the globally oldest deletable candidate; for free space, only one above its
	// stream's floor (a stream's candidates are oldest-first, so once one is in the floor all are).
	oldest := func(forSpace bool) (candidate, bool) {
		var best candidate
		found := false
		for _, key := range keys {
			c, ok := next(key)
			if !ok {
				continue
			}
			if k, floor := in.keep[key]; forSpace && floor && c.end.After(k) {
				continue
			}
			if !found || c.start.Before(best.start) {
				best, found = c, true
			}
		}
		return best, found
	}
	for in.global.MaxBytes > 0 && total > in.global.MaxBytes {
		c, ok := oldest(false)
		if !ok {
			break
		}
		take(c)
	}
	plan := retentionPlan{}
	spaceShort := func() bool { return (in.minFree > 0 && in.free >= 0 && in.free < in.minFree) || in.need > 0 }
	for spaceShort() && plan.spent < in.credit {
		c, ok := oldest(true)
		if !ok {
			break
		}
		take(c)
		plan.spent += c.size
	}
	plan.del, plan.short = del, spaceShort()
	return plan
}

func minPositive(a, b time.Duration) time.Duration {
	switch {
	case a <= 0:
		return b
	case b <= 0:
		return a
	}
	return min(a, b)
}
