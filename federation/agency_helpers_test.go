package federation

import (
	"sync"
	"time"

	"github.com/porchlight/porchlight/federation/agency"
	"github.com/porchlight/porchlight/federation/fedtest"
	"github.com/porchlight/porchlight/federation/geo"
	"github.com/porchlight/porchlight/federation/wire"
)

// agencies are the test nodes' agency sides, by node (runNode); cameras are the cameras a test gives a
// node's agency side, by the node's data dir (withCameras).
var agencies, cameras sync.Map

// newWithAgency starts a node from cfg with its agency side built from the node's config and attached
// during New, as nvr does.
func newWithAgency(cfg Config) (*Node, *agency.Agency, error) {
	ac := agency.Config{DataDir: cfg.DataDir, Key: cfg.Key, Role: cfg.Role, Logger: cfg.Logger, Clock: cfg.Clock}
	if cfg.Clips != nil {
		ac.Clips = cfg.Clips
	}
	if c, ok := cameras.Load(cfg.DataDir); ok {
		ac.Cameras = c.(agency.CameraSource)
	}
	var ag *agency.Agency
	cfg.AttachRequests = func(core *Node) (Requests, error) {
		var err error
		ag, err = agency.New(ac, core)
		return ag, err
	}
	n, err := New(cfg)
	if err != nil {
		return nil, nil, err
	}
	agencies.Store(n, ag)
	return n, ag, nil
}

// agencyOf is n's agency side.
func agencyOf(n *Node) *agency.Agency {
	ag, _ := agencies.Load(n)
	return ag.(*agency.Agency)
}

// withCameras gives the agency side of the node c configures these cameras to match requests against.
func withCameras(c *Config, cams agency.CameraSource) { cameras.Store(c.DataDir, cams) }

// fakeCameras is a home's cameras for the matcher.
type fakeCameras = fedtest.Cameras[agency.Camera]

// camerasAt is a home with one camera d metres north of Elm Street (fedtest.CamerasAt).
func camerasAt(name string, d float64) *fakeCameras { return fedtest.CamerasAt(name, d, camera) }

// camera is the matcher's camera of that name and view.
func camera(name string, v geo.View) agency.Camera { return agency.Camera{Name: name, View: v} }

// fakeClips is the clip source the tests give nodes.
type fakeClips = fedtest.Clips

// draft is a request for footage of the last hour within radius metres of the point d metres north of
// Elm Street.
func draft(d, radius float64) agency.RequestDraft {
	lat, lon := fedtest.North(d)
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
