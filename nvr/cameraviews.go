package nvr

import (
	"time"

	"github.com/porchlight/porchlight/federation/agency"
	"github.com/porchlight/porchlight/federation/geo"
)

// cameraViews tells the federation's request matcher where this home's cameras look and what they
// recorded (agency.CameraSource). Cameras without a location are never matched.
type cameraViews struct{ n *Node }

func (c cameraViews) Cameras() []agency.Camera {
	c.n.camMu.Lock()
	defer c.n.camMu.Unlock()
	var out []agency.Camera
	for _, cam := range c.n.cfg.Cameras {
		l := cam.Location
		if l == nil {
			continue
		}
		out = append(out, agency.Camera{Name: cam.Name, View: geo.View{At: geo.Point{Lat: l.Lat, Lon: l.Lon},
			Radius: l.Radius, Direction: l.Direction, FOV: l.FOV}})
	}
	return out
}

func (c cameraViews) Recorded(camera string, start, end time.Time) bool {
	spans, err := c.n.rec.Spans(camera, "", start, end)
	return err == nil && len(spans) > 0
}
