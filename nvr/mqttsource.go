package nvr

import (
	"time"

	"github.com/porchlight/porchlight/federation"
	"github.com/porchlight/porchlight/federation/agency"
	"github.com/porchlight/porchlight/nvr/mqtt"
	"github.com/porchlight/porchlight/recorder"
	"github.com/porchlight/porchlight/ui"
)

// mqttSource adapts the node to what the MQTT publisher reads (mqtt.Source).
type mqttSource struct {
	rec   *recorder.Recorder
	fed   *federation.Node
	ag    *agency.Agency
	reads *alertReads // the unread neighbor alerts
	now   func() time.Time
}

func (s mqttSource) Cameras() []mqtt.Camera {
	var out []mqtt.Camera
	for _, st := range s.rec.Status() {
		if st.Stream == "main" {
			out = append(out, mqtt.Camera{Name: st.Camera, State: string(st.State), BitrateBps: st.BitrateBps})
		}
	}
	return out
}

func (s mqttSource) Stats() mqtt.Stats {
	var st mqtt.Stats
	if reqs, err := (requestAPI{s.ag, s.fed}).Requests(true); err == nil {
		for _, r := range reqs {
			if r.Status == agency.StatusNew {
				st.OpenRequests++
			}
		}
	}
	if n, _, err := s.reads.Unread(); err == nil {
		st.NeighborAlerts = n
	}
	cams := cameraAPI{s.rec}
	streams := cams.Cameras()
	for _, c := range streams {
		st.DiskUsed += c.Bytes
	}
	if rep, err := cams.Storage(); err == nil {
		for _, h := range ui.Horizons(streams, rep, s.now()) {
			if h.Days > 0 && (st.HorizonDays == 0 || h.Days < st.HorizonDays) {
				st.HorizonDays = h.Days
			}
		}
	}
	return st
}

func (s mqttSource) OpenMotion() map[string]bool {
	out := map[string]bool{}
	evs, err := s.rec.Events(recorder.EventQuery{Start: s.now().Add(-time.Hour), Limit: 200})
	if err != nil {
		return out
	}
	for _, e := range evs {
		if e.Open() {
			out[e.Camera] = true
		}
	}
	return out
}

func (s mqttSource) SubscribeEvents() (<-chan mqtt.Event, func()) {
	return relay(eventAPI{rec: s.rec}.SubscribeEvents, func(e ui.Event) mqtt.Event {
		return mqtt.Event{ID: e.ID, Camera: e.Camera, Kind: e.Kind, Start: e.Start, End: e.End, Score: e.Score,
			Snapshot: e.Snapshot}
	})
}

func (s mqttSource) SubscribeAlerts() (<-chan mqtt.Alert, func()) {
	return relay(func(int) (<-chan federation.Alert, func()) { return s.fed.SubscribeAlerts() },
		func(fa federation.Alert) mqtt.Alert {
			a := uiAlert(fa)
			out := mqtt.Alert{ID: a.ID, Hood: a.Hood, AuthorName: a.AuthorName, Category: a.Category, Text: a.Text,
				Time: a.Time, Lat: a.Lat, Lon: a.Lon, Mine: a.Mine}
			if c := a.Clip; c != nil {
				out.Clip = &mqtt.AlertClip{Camera: c.Camera, Start: c.Start, End: c.End, Size: c.Size}
			}
			return out
		})
}

func (s mqttSource) EventSnapshot(id uint64) ([]byte, error) { return s.rec.EventSnapshot(id) }

// relay converts a subscription's items with f until cancel.
func relay[A, B any](sub func(buffer int) (<-chan A, func()), f func(A) B) (<-chan B, func()) {
	in, stop := sub(64)
	out := make(chan B, 64)
	done := make(chan struct{})
	go func() {
		defer close(out)
		for a := range in {
			select {
			case out <- f(a):
			case <-done:
				return
			}
		}
	}()
	closed := false
	return out, func() {
		if !closed {
			closed = true
			close(done)
			stop()
		}
	}
}
