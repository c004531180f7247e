package recorder

import (
	"cmp"
	"slices"
)

// planner is the working state of one planRetention call: what is taken so far and what it frees.
type planner struct {
	in       retentionInput
	keys     []string          // stream keys, sorted, so plans do not depend on map order
	taken    map[string][]bool // per stream, by position in in.oldest
	contPos  map[string]int    // per stream, where the search for the next continuous candidate resumes
	anyPos   map[string]int    // per stream, where the search for the next candidate of either kind resumes
	camBytes map[string]int64
	total    int64
	del      []candidate
}

func newPlanner(in retentionInput) *planner {
	p := &planner{in: in, taken: map[string][]bool{}, contPos: map[string]int{}, anyPos: map[string]int{},
		camBytes: map[string]int64{}}
	for key, cands := range in.oldest {
		p.keys = append(p.keys, key)
		p.taken[key] = make([]bool, len(cands))
		if len(cands) > 0 {
			p.camBytes[cands[0].camera] += in.bytes[key]
		}
	}
	slices.Sort(p.keys)
	for _, b := range in.bytes {
		p.total += b
	}
	return p
}

func (p *planner) deletable(c candidate) bool {
	if id, ok := p.in.open[c.key]; ok && c.id >= id {
		return false
	}
	return p.in.held == nil || !p.in.held(c.camera, c.start, c.end)
}

func (p *planner) spaceShort() bool {
	return (p.in.minFree > 0 && p.in.free >= 0 && p.in.free < p.in.minFree) || p.in.need > 0
}

// take plans the deletion of c, which next returned.
func (p *planner) take(c candidate, reason string) {
	i, _ := slices.BinarySearchFunc(p.in.oldest[c.key], c.id, func(x candidate, id uint64) int { return cmp.Compare(x.id, id) })
	p.takeAt(c.key, i, reason)
}

func (p *planner) takeAt(key string, i int, reason string) {
	c := p.in.oldest[key][i]
	c.reason = reason
	p.taken[key][i] = true
	p.del = append(p.del, c)
	p.camBytes[c.camera] -= c.size
	p.total -= c.size
	if p.in.free >= 0 {
		p.in.free += c.size
	}
	p.in.need -= c.size
}

// next returns a stream's oldest candidate not yet taken that is deletable and, with events false,
// continuous. Its cursors only move forward: what it passes stays passed for the plan.
func (p *planner) next(key string, events bool) (candidate, bool) {
	pos := p.contPos
	if events {
		pos = p.anyPos
	}
	cands := p.in.oldest[key]
	for ; pos[key] < len(cands); pos[key]++ {
		i := pos[key]
		if c := cands[i]; !p.taken[key][i] && (events || !c.event) && p.deletable(c) {
			return c, true
		}
	}
	return candidate{}, false
}

// pick returns the oldest candidate of a camera's streams ("" for all cameras) to delete for size or
// space: a continuous one while any is left, else an event one. Only when no stream it looks at may have
// continuous candidates beyond its list (input.more) does it turn to events. For space, candidates in
// their stream's floor of recent footage are left.
func (p *planner) pick(camera string, forSpace bool) (candidate, bool) {
	if c, ok := p.oldest(camera, forSpace, false); ok {
		return c, true
	}
	for _, key := range p.keys {
		if p.in.more[key] && p.mine(key, camera) {
			if _, ok := p.next(key, false); !ok {
				return candidate{}, false // continuous footage may be left beyond the list
			}
		}
	}
	return p.oldest(camera, forSpace, true)
}

func (p *planner) mine(key, camera string) bool {
	cands := p.in.oldest[key]
	return camera == "" || (len(cands) > 0 && cands[0].camera == camera)
}

// oldest returns the oldest next candidate across streams; for space, only one above its stream's floor
// (a stream's candidates are oldest-first, so once one is in the floor all are).
func (p *planner) oldest(camera string, forSpace, events bool) (candidate, bool) {
	var best candidate
	found := false
	for _, key := range p.keys {
		if !p.mine(key, camera) {
			continue
		}
		c, ok := p.next(key, events)
		if !ok {
			continue
		}
		if k, floor := p.in.keep[key]; forSpace && floor && c.end.After(k) {
			continue
		}
		if !found || c.start.Before(best.start) {
			best, found = c, true
		}
	}
	return best, found
}
