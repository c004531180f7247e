package mqtt

import "slices"

// state is what the publisher has told the broker since it last connected. The Publisher's mutex
// guards it.
type state struct {
	cams   map[string]bool            // cameras whose entities are published
	open   map[string]map[uint64]bool // open events per camera
	snap   map[string]uint64          // the event whose snapshot each camera's image shows
	values map[string]string          // the last value published per state topic
}

func newState() *state {
	return &state{cams: map[string]bool{}, open: map[string]map[uint64]bool{}, snap: map[string]uint64{},
		values: map[string]string{}}
}

// forget drops what the broker was told: after a reconnect every value is published again.
func (s *state) forget() {
	s.values = map[string]string{}
}

// setCameras records the camera set and returns the cameras added (all of them when full) and removed.
func (s *state) setCameras(cams []Camera, full bool) (added, removed []string) {
	now := make(map[string]bool, len(cams))
	for _, c := range cams {
		now[c.Name] = true
		if full || !s.cams[c.Name] {
			added = append(added, c.Name)
		}
	}
	for c := range s.cams {
		if !now[c] {
			removed = append(removed, c)
			delete(s.open, c)
			delete(s.snap, c)
		}
	}
	s.cams = now
	slices.Sort(removed)
	return added, removed
}

// seedMotion marks the cameras with an open motion event when the events seen so far do not.
func (s *state) seedMotion(open map[string]bool) {
	for c := range open {
		if len(s.open[c]) == 0 {
			s.open[c] = map[uint64]bool{0: true} // an event opened before this publisher watched
		}
	}
	for c, ids := range s.open {
		if ids[0] && !open[c] {
			delete(ids, 0)
		}
	}
}

func (s *state) motionOn(cam string) bool { return len(s.open[cam]) > 0 }

// event records an event and reports whether the camera's motion state changed, and the new state.
func (s *state) event(e Event) (changed, on bool) {
	was := s.motionOn(e.Camera)
	ids := s.open[e.Camera]
	if ids == nil {
		ids = map[uint64]bool{}
		s.open[e.Camera] = ids
	}
	if e.End == nil {
		ids[e.ID] = true
	} else {
		delete(ids, e.ID)
		delete(ids, 0) // an event that closes ends what was seeded as open
	}
	on = s.motionOn(e.Camera)
	return on != was, on
}

// snapshotFirst reports whether event id's snapshot is new for the camera's image, and records it.
func (s *state) snapshotFirst(cam string, id uint64) bool {
	if s.snap[cam] == id {
		return false
	}
	s.snap[cam] = id
	return true
}

// setValue records a state topic's value and reports whether it changed.
func (s *state) setValue(topic, value string) bool {
	if v, ok := s.values[topic]; ok && v == value {
		return false
	}
	s.values[topic] = value
	return true
}
