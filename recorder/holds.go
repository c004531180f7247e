package recorder

import (
	"sync"
	"time"
)

// holds are ranges retention must not delete: an export being served, and later clips attached to
// alerts or agency requests.
type holds struct {
	mu   sync.Mutex
	next int
	m    map[int]hold
}

type hold struct {
	camera     string
	start, end time.Time
}

// Hold protects [start, end) of a camera's footage from retention until release is called.
func (r *Recorder) Hold(camera string, start, end time.Time) (release func()) {
	h := &r.holds
	h.mu.Lock()
	if h.m == nil {
		h.m = make(map[int]hold)
	}
	id := h.next
	h.next++
	h.m[id] = hold{camera: camera, start: start, end: end}
	h.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			h.mu.Lock()
			delete(h.m, id)
			h.mu.Unlock()
		})
	}
}

// covers reports whether any hold overlaps [start, end) of camera.
func (h *holds) covers(camera string, start, end time.Time) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, x := range h.m {
		if x.camera == camera && x.start.Before(end) && start.Before(x.end) {
			return true
		}
	}
	return false
}
