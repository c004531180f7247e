package recorder

import (
	"errors"

	"github.com/porchlight/porchlight/recorder/index"
)

// recoverEvents closes the events a crash left open at the last recorded frame of their camera's main
// stream (or at their start, when nothing of the camera was recorded after it). Recover calls it once the
// index knows every recovered segment, before any detector runs.
func (r *Recorder) recoverEvents() {
	open, err := r.db.OpenEvents()
	if err != nil {
		r.log.Error("recovery: open events", "err", err)
		return
	}
	for _, e := range open {
		end := e.Start
		if u, err := r.db.Usage(e.Camera + "/main"); err == nil && u.Newest.After(end) {
			end = u.Newest
		} else if err != nil && !errors.Is(err, index.ErrNotFound) {
			r.log.Warn("recovery: usage of camera", "camera", e.Camera, "err", err)
		}
		if _, err := r.db.CloseEvent(e.ID, end, e.Score); err != nil {
			r.log.Error("recovery: close event", "event", e.ID, "err", err)
			continue
		}
		r.log.Info("recovery: closed an event left open", "event", e.ID, "camera", e.Camera, "end", end)
	}
}
