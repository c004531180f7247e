package nvr

import (
	"errors"
	"time"

	"github.com/porchlight/porchlight/recorder"
	"github.com/porchlight/porchlight/ui"
)

// eventAlerts gives the API an event with its footage window and its camera's place, from which it drafts
// a neighborhood alert (ui.EventAlerts). Drafting reads only: the alert is posted, and its clip offered,
// when the owner confirms.
type eventAlerts struct {
	n   *Node
	now func() time.Time
}

func (a eventAlerts) EventClip(id uint64) (ui.EventClip, error) {
	e, err := a.n.rec.Event(id)
	if errors.Is(err, recorder.ErrNoEvent) {
		return ui.EventClip{}, ui.WrapError(ui.ErrNotFound, err)
	}
	if err != nil {
		return ui.EventClip{}, err
	}
	m, loc := a.n.cameraEventSettings(e.Camera)
	now := a.now()
	end := now
	if !e.Open() {
		end = minTime(e.End.Add(m.PostRoll.Std()), now)
	}
	start := e.Start.Add(-m.PreRoll.Std())
	// An attached clip is hashed when it is posted and exported again for each neighbor: it must end where
	// footage is on disk, or the later copies would not match the hash.
	if spans, err := a.n.rec.Spans(e.Camera, "", start, end); err == nil && len(spans) > 0 {
		end = minTime(end, spans[len(spans)-1].End)
	}
	out := ui.EventClip{Event: apiEvent(e, a.n.cfg.HTTP.basePath()), Start: start, End: end}
	if loc != nil {
		out.Location = &ui.Location{Lat: loc.Lat, Lon: loc.Lon, Radius: loc.Radius, Direction: loc.Direction, FOV: loc.FOV}
	}
	return out, nil
}

// cameraEventSettings returns a camera's motion settings (the defaults for an unknown camera or one
// without the block) and its location (nil without one).
func (n *Node) cameraEventSettings(camera string) (MotionConfig, *Location) {
	n.camMu.Lock()
	defer n.camMu.Unlock()
	for _, c := range n.cfg.Cameras {
		if c.Name != camera {
			continue
		}
		m := DefaultMotion()
		if c.Motion != nil {
			m = *c.Motion
		}
		var loc *Location
		if c.Location != nil {
			l := *c.Location
			loc = &l
		}
		return m, loc
	}
	return DefaultMotion(), nil
}
