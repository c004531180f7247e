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
}

// planRetention returns the segments to delete, oldest first within each reason: first what is older
// than max_age, then what exceeds per-camera max_bytes, then globally oldest-first while the total is over
// max_bytes, free space is under the floor, or need is not yet met.
func planRetention(in retentionInput) []candidate {
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
	for (in.global.MaxBytes > 0 && total > in.global.MaxBytes) || (in.minFree > 0 && in.free >= 0 && in.free < in.minFree) || in.need > 0 {
		var best candidate
		found := false
		for _, key := range keys {
			if c, ok := next(key); ok && (!found || c.start.Before(best.start)) {
				best, found = c, true
			}
		}
		if !found {
			break
		}
		take(best)
	}
	return del
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
