package fedtest

import (
	"sync"
	"time"

	"github.com/porchlight/porchlight/federation/geo"
	"github.com/porchlight/porchlight/federation/roster"
)

// Elm Street, where the agency tests are set: the agencies' scope is 2 km around it.
const (
	ElmLat, ElmLon  = 40.71280, -74.00600
	metresPerDegLat = 111_320.0
)

// Elm is an agency scope of 2 km around Elm Street.
var Elm = roster.Scope{Lat: ElmLat, Lon: ElmLon, Radius: 2000}

// North returns a point d metres north of Elm Street.
func North(d float64) (lat, lon float64) { return ElmLat + d/metresPerDegLat, ElmLon }

// Cameras is a home's cameras for the request matcher (an agency.CameraSource when C is agency.Camera):
// the cameras and the spans each recorded, set by the test.
type Cameras[C any] struct {
	mu       sync.Mutex
	cams     []C
	recorded map[string][2]time.Time
}

// Cameras lists the cameras.
func (f *Cameras[C]) Cameras() []C {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]C(nil), f.cams...)
}

// Recorded reports whether the camera recorded any of [start, end).
func (f *Cameras[C]) Recorded(camera string, start, end time.Time) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	r, ok := f.recorded[camera]
	return ok && r[0].Before(end) && start.Before(r[1])
}

// CamerasAt is a home with one camera, made by camera from its name and view, at d metres north of Elm
// Street, looking all around, that recorded the last two days.
func CamerasAt[C any](name string, d float64, camera func(name string, v geo.View) C) *Cameras[C] {
	lat, lon := North(d)
	now := time.Now()
	return &Cameras[C]{cams: []C{camera(name, geo.View{At: geo.Point{Lat: lat, Lon: lon}, Radius: 40})},
		recorded: map[string][2]time.Time{name: {now.Add(-48 * time.Hour), now.Add(time.Hour)}}}
}
