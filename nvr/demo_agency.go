package nvr

import (
	"context"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/porchlight/porchlight/federation"
)

// Where the demo's cameras are and what its agency may ask about. The demo node's camera and Elm Street
// 14's are about 40 m apart; Elm Street 16's is about 400 m north, so the walk-through's request (about
// 20 m from the first two, 100 m radius) reaches two inboxes and leaves the third home out.

// demoCameraRadius is how far (metres) every demo camera sees, all around.
const demoCameraRadius = 40

// demoHomePlaces are the cameras of the simulated homes, in the order of demoNeighbors.
var demoHomePlaces = [][2]float64{{40.71310, -74.00570}, {40.71650, -74.00600}}

// demoRequestArea is the walk-through's request: centre and radius (metres).
var demoRequestArea = struct{ Lat, Lon, Radius float64 }{40.71295, -74.00585, 100}

// demoAgencyName is the agency node's display name.
const demoAgencyName = "Elm Street Police"

// demoAgencyScope is the agency's credential: 1 km around the demo node. The per-day cap is raised from
// the default 10 so that someone trying the walk-through can post a few.
var demoAgencyScope = federation.Scope{Lat: demoPlace[0], Lon: demoPlace[1], Radius: 1000, PerDay: 50}

// startDemoAgency runs the agency node in dir/agency, admitted on its first run with demoAgencyScope.
// It records no camera.
func startDemoAgency(ctx context.Context, wg *sync.WaitGroup, demo *Node, dir, hood string) (*demoMember, error) {
	return startDemoMember(ctx, wg, demo, demoMemberSpec{
		dir: filepath.Join(dir, "agency"), name: demoAgencyName, role: RoleAgency,
		invite: func() (string, error) {
			inv, err := demo.fed.InviteAgency(hood, time.Hour, nil, demoAgencyScope)
			return inv.Code, err
		},
	})
}

// startDemoHome runs simulated home i (demoNeighbors[i]) in dir/homes/<slug>, recording the embedded
// camera at camURL as "front" at demoHomePlaces[i].
func startDemoHome(ctx context.Context, wg *sync.WaitGroup, demo *Node, dir, hood, camURL string, i int) (*demoMember, error) {
	cam := DefaultCamera()
	cam.Name, cam.URL = "front", camURL
	cam.Location = &Location{Lat: demoHomePlaces[i][0], Lon: demoHomePlaces[i][1], Radius: demoCameraRadius}
	return startDemoMember(ctx, wg, demo, demoMemberSpec{
		dir: filepath.Join(dir, "homes", slug(demoNeighbors[i])), name: demoNeighbors[i], role: RoleHousehold,
		cameras: []CameraConfig{cam},
		invite: func() (string, error) {
			inv, err := demo.fed.Invite(hood, "household", time.Hour, nil)
			return inv.Code, err
		},
	})
}

// placeDemoCameras puts the demo node's cameras that have no location at demoPlace. runDemoCmd adds its
// embedded camera in memory on every start, not in the config file, so its place lives in memory too.
func placeDemoCameras(n *Node) {
	n.camMu.Lock()
	defer n.camMu.Unlock()
	cams := slices.Clone(n.cfg.Cameras)
	for i := range cams {
		if cams[i].Location == nil {
			cams[i].Location = &Location{Lat: demoPlace[0], Lon: demoPlace[1], Radius: demoCameraRadius}
		}
	}
	n.cfg.Cameras = cams
}
