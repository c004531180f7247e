package federation

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/porchlight/porchlight/federation/geo"
	"github.com/porchlight/porchlight/internal/testutil"
)

// Elm Street, for the agency tests: the scope is 2 km around it.
const (
	elmLat, elmLon  = 40.71280, -74.00600
	metresPerDegLat = 111_320.0
)

// north returns a point d metres north of Elm Street.
func north(d float64) (lat, lon float64) { return elmLat + d/metresPerDegLat, elmLon }

// fakeCameras is a home's cameras for the matcher: views and recorded spans set by the test.
type fakeCameras struct {
	mu       sync.Mutex
	cams     []Camera
	recorded map[string][2]time.Time
}

func (f *fakeCameras) Cameras() []Camera {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Camera(nil), f.cams...)
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
	return &fakeCameras{cams: []Camera{{Name: name, View: geo.View{At: geo.Point{Lat: lat, Lon: lon}, Radius: 40}}},
		recorded: map[string][2]time.Time{name: {now.Add(-48 * time.Hour), now.Add(time.Hour)}}}
}

// agencyHood is a steward, an agency admitted with a 2 km scope around Elm Street, and homes with the
// given cameras (nil: none).
type agencyHood struct {
	hood    string
	steward *Node
	agency  *Node
	homes   []*Node
}

func startAgencyHood(t *testing.T, cams ...*fakeCameras) *agencyHood {
	t.Helper()
	return startAgencyHoodScope(t, Scope{Lat: elmLat, Lon: elmLon, Radius: 2000}, cams...)
}

// startAgencyHoodScope is startAgencyHood with the agency's scope given.
func startAgencyHoodScope(t *testing.T, scope Scope, cams ...*fakeCameras) *agencyHood {
	t.Helper()
	return startAgencyHoodWith(t, scope, nil, cams...)
}

// startAgencyHoodWith is startAgencyHoodScope with homeOpt, if not nil, applied to each home's config.
func startAgencyHoodWith(t *testing.T, scope Scope, homeOpt func(*Config), cams ...*fakeCameras) *agencyHood {
	t.Helper()
	short := func(c *Config) { c.SeenTTL = time.Second } // so replays past gossipsub's cache can be tested
	ah := &agencyHood{steward: testNode(t, "Steward", short)}
	h, err := ah.steward.CreateHood("Elm Street")
	if err != nil {
		t.Fatal(err)
	}
	ah.hood = h.ID
	ah.agency = testNode(t, "Springfield PD", func(c *Config) { c.Role = "agency"; short(c) })
	inv, err := ah.steward.InviteAgency("", time.Hour, nil, scope)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := ah.agency.Join(ctx, inv.Code); err != nil {
		t.Fatalf("agency joins: %v", err)
	}
	for i, c := range cams {
		home := testNode(t, "Home "+string(rune('A'+i)), func(cfg *Config) {
			short(cfg)
			if c != nil {
				cfg.Cameras, cfg.Clips = c, &fakeClips{size: 1 << 20}
			}
			if homeOpt != nil {
				homeOpt(cfg)
			}
		})
		join(t, ah.steward, home, "household")
		ah.homes = append(ah.homes, home)
	}
	all := append([]*Node{ah.steward, ah.agency}, ah.homes...)
	waitMembers(t, h.ID, len(all), all...)
	for _, n := range all {
		testutil.WaitFor(t, 20*time.Second, n.cfg.Name+" shares the topic with every member", func() bool {
			n.mu.RLock()
			defer n.mu.RUnlock()
			return len(n.hoods[h.ID].topic.ListPeers()) == len(all)-1
		})
	}
	return ah
}

// draft is a request for footage of the last hour within radius metres of the point d metres north of
// Elm Street.
func draft(d, radius float64) RequestDraft {
	lat, lon := north(d)
	now := time.Now()
	return RequestDraft{Case: "2026-1142", Category: "theft", Reason: "package taken from a porch",
		Contact: "Det. Ruiz", Lat: lat, Lon: lon, Radius: radius, Start: now.Add(-2 * time.Hour), End: now.Add(-time.Hour)}
}
