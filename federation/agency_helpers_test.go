package federation

import (
	"sync"
	"testing"
	"time"

	"github.com/porchlight/porchlight/federation/agency"
	"github.com/porchlight/porchlight/federation/geo"
	"github.com/porchlight/porchlight/federation/wire"
)

// Elm Street, for the agency tests: the scope is 2 km around it.
const (
	elmLat, elmLon  = 40.71280, -74.00600
	metresPerDegLat = 111_320.0
)

// north returns a point d metres north of Elm Street.
func north(d float64) (lat, lon float64) { return elmLat + d/metresPerDegLat, elmLon }

// agencies are the test nodes' agency sides, by node (runNode); cameras are the cameras a test gives a
// node's agency side, by the node's data dir (withCameras).
var agencies, cameras sync.Map

// attachAgency builds n's agency side from the node's config, as nvr does, and hands it to n.
func attachAgency(t testing.TB, n *Node, cfg Config) *agency.Agency {
	t.Helper()
	ac := agency.Config{DataDir: cfg.DataDir, Key: cfg.Key, Role: cfg.Role, Logger: cfg.Logger, Clock: cfg.Clock}
	if cfg.Clips != nil {
		ac.Clips = cfg.Clips
	}
	if c, ok := cameras.Load(cfg.DataDir); ok {
		ac.Cameras = c.(agency.CameraSource)
	}
	ag, err := agency.New(ac, n)
	if err != nil {
		t.Fatal(err)
	}
	n.SetRequests(ag)
	agencies.Store(n, ag)
	return ag
}

// agencyOf is n's agency side.
func agencyOf(n *Node) *agency.Agency {
	ag, _ := agencies.Load(n)
	return ag.(*agency.Agency)
}

// withCameras gives the agency side of the node c configures these cameras to match requests against.
func withCameras(c *Config, cams agency.CameraSource) { cameras.Store(c.DataDir, cams) }

// fakeCameras is a home's cameras for the matcher: views and recorded spans set by the test.
type fakeCameras struct {
	mu       sync.Mutex
	cams     []agency.Camera
	recorded map[string][2]time.Time
}

func (f *fakeCameras) Cameras() []agency.Camera {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]agency.Camera(nil), f.cams...)
}

func (f *fakeCameras) Recorded(camera string, start, end time.Time) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	r, ok := f.recorded[camera]
	return ok && r[0].Before(end) && start.Before(r[1])
}

// camerasAt is a home with one camera at d metres north of Elm Street, looking all around, that recorded
// the last two days.
func camerasAt(name string, d float64) *fakeCameras {
	lat, lon := north(d)
	now := time.Now()
	return &fakeCameras{cams: []agency.Camera{{Name: name, View: geo.View{At: geo.Point{Lat: lat, Lon: lon}, Radius: 40}}},
		recorded: map[string][2]time.Time{name: {now.Add(-48 * time.Hour), now.Add(time.Hour)}}}
}

// draft is a request for footage of the last hour within radius metres of the point d metres north of
// Elm Street.
func draft(d, radius float64) agency.RequestDraft {
	lat, lon := north(d)
	now := time.Now()
	return agency.RequestDraft{Case: "2026-1142", Category: "theft", Reason: "package taken from a porch",
		Contact: "Det. Ruiz", Lat: lat, Lon: lon, Radius: radius, Start: now.Add(-2 * time.Hour), End: now.Add(-time.Hour)}
}

// noticeRequestID is the ID of the request a gossiped notice carries.
func noticeRequestID(data []byte) (string, bool) {
	rec, err := wire.Decode(data)
	var nt wire.Notice
	if err == nil {
		err = rec.Open(wire.KindNotice, &nt)
	}
	if err != nil {
		return "", false
	}
	inner, err := wire.Decode(nt.Request)
	return inner.ID(), err == nil
}
