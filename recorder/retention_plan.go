package recorder

import (
	"slices"
	"time"
)

// Why retention deleted a segment: the reason label of the deletion metrics.
const (
	reasonMaxAge       = "max_age"        // continuous footage older than max_age
	reasonEventsMaxAge = "events_max_age" // event footage older than events_max_age
	reasonMaxBytes     = "max_bytes"      // a camera's or the global max_bytes
	reasonFreeSpace    = "free_space"     // min_free, or a write that failed on a full disk
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
	// event: the segment overlaps a span an event keeps (even by a frame), so it lives until
	// events_max_age and goes after continuous footage when space is needed.
	event  bool
	reason string // set by planRetention
}

// retentionInput is everything a retention decision depends on; planRetention is a pure function of it.
type retentionInput struct {
	now     time.Time
	global  Limits
	cameras map[string]Limits // per-camera limits
	// oldest holds, per stream key, segments in ID order, which is oldest first: its oldest segments and
	// its oldest continuous ones (not necessarily all of either).
	oldest map[string][]candidate
	// more is, per stream, whether it may have continuous segments younger than those in oldest: the
	// list was cut short. Event footage is not deleted for space while such a stream has no continuous
	// candidate left: the next pass reads further.
	more map[string]bool
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
	del []candidate // each with its reason
	// spent is the size of the deletions planned for free space, within the credit; the credit pays for
	// those carried out (Recorder.carryOut).
	spent int64
	// short reports that free space stays below minFree, or need unmet, after the plan: the credit, the
	// floor of recent footage, holds or the open segments left nothing more to delete.
	short bool
}

// planRetention returns the segments to delete, with the reason of each. In order: continuous segments
// older than max_age and event segments older than events_max_age; then, while a camera is over its
// max_bytes, the camera's oldest segment; then, while the total is over the global max_bytes, the
// globally oldest; then, while free space is under the floor or need is not yet met, the globally oldest
// within the credit and above each stream's floor of recent footage. The last three take continuous
// segments first and event segments only when no continuous one is left. Held and open segments are
// never taken.
func planRetention(in retentionInput) retentionPlan {
	p := newPlanner(in)
	p.byAge()
	cams := make([]string, 0, len(in.cameras))
	for cam := range in.cameras {
		cams = append(cams, cam)
	}
	slices.Sort(cams)
	for _, cam := range cams {
		for lim := in.cameras[cam].MaxBytes; lim > 0 && p.camBytes[cam] > lim; {
			c, ok := p.pick(cam, false)
			if !ok {
				break
			}
			p.take(c, reasonMaxBytes)
		}
	}
	for in.global.MaxBytes > 0 && p.total > in.global.MaxBytes {
		c, ok := p.pick("", false)
		if !ok {
			break
		}
		p.take(c, reasonMaxBytes)
	}
	plan := retentionPlan{}
	for p.spaceShort() && plan.spent < in.credit {
		c, ok := p.pick("", true)
		if !ok {
			break
		}
		p.take(c, reasonFreeSpace)
		plan.spent += c.size
	}
	plan.del, plan.short = p.del, p.spaceShort()
	return plan
}

// byAge takes, per stream, continuous segments older than their camera's max_age and event segments
// older than its events_max_age.
func (p *planner) byAge() {
	for _, key := range p.keys {
		for i, c := range p.in.oldest[key] {
			if p.taken[key][i] || !p.deletable(c) {
				continue
			}
			age, eventsAge := p.in.ages(c.camera)
			if !c.event && (age <= 0 || p.in.now.Sub(c.end) <= age) {
				break // younger ones are younger still, and events_max_age is at least max_age
			}
			switch {
			case c.event && eventsAge > 0 && p.in.now.Sub(c.end) > eventsAge:
				p.takeAt(key, i, reasonEventsMaxAge)
			case !c.event:
				p.takeAt(key, i, reasonMaxAge)
			}
		}
	}
}

// ages returns a camera's max_age and events_max_age: the tighter of its own and the global ones, and
// events_max_age never below max_age (0 means as long as max_age; without max_age, no limit).
func (in *retentionInput) ages(camera string) (age, eventsAge time.Duration) {
	lim := in.cameras[camera]
	age = minPositive(lim.MaxAge, in.global.MaxAge)
	if age <= 0 {
		return 0, 0
	}
	return age, max(age, minPositive(lim.EventsMaxAge, in.global.EventsMaxAge))
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
