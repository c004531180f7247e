package nvr

import (
	"errors"
	"sync"

	"github.com/porchlight/porchlight/recorder"
	"github.com/porchlight/porchlight/ui"
)

// eventAPI adapts the recorder's events to what the HTTP API needs (ui.Events).
// base is http.base_path, which the snapshot URLs carry.
type eventAPI struct {
	rec  *recorder.Recorder
	base string
}

func (a eventAPI) Events(q ui.EventQuery) ([]ui.Event, error) {
	evs, err := a.rec.Events(recorder.EventQuery{Camera: q.Camera, Kind: q.Kind, Start: q.Start, End: q.End,
		Before: q.Before, Limit: q.Limit})
	if err != nil {
		return nil, err
	}
	out := make([]ui.Event, len(evs))
	for i, e := range evs {
		out[i] = apiEvent(e, a.base)
	}
	return out, nil
}

func (a eventAPI) EventSnapshot(id uint64) ([]byte, error) {
	b, err := a.rec.EventSnapshot(id)
	if errors.Is(err, recorder.ErrNoEvent) || errors.Is(err, recorder.ErrNoSnapshot) {
		return nil, ui.WrapError(ui.ErrNotFound, err)
	}
	return b, err
}

// SubscribeEvents relays the recorder's events in the API's form until cancel.
func (a eventAPI) SubscribeEvents(buffer int) (<-chan ui.Event, func()) {
	src, stop := a.rec.SubscribeEvents(buffer)
	out := make(chan ui.Event, buffer)
	done := make(chan struct{})
	go func() {
		defer close(out)
		for e := range src {
			select {
			case out <- apiEvent(e, a.base):
			case <-done:
				return
			}
		}
	}()
	var once sync.Once
	return out, func() {
		once.Do(func() {
			close(done)
			stop()
		})
	}
}

// apiEvent is e as the API shows it; its snapshot URL starts with base (http.base_path).
func apiEvent(e recorder.Event, base string) ui.Event {
	out := ui.Event{ID: e.ID, Camera: e.Camera, Kind: e.Kind, Start: e.Start, Score: e.Score}
	if !e.Open() {
		end := e.End
		out.End = &end
	}
	if e.Snapshot {
		u := base + ui.EventSnapshotURL(e.ID)
		out.Snapshot = &u
	}
	return out
}
