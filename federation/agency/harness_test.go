package agency

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/porchlight/porchlight/federation"
	"github.com/porchlight/porchlight/federation/fedtest"
	"github.com/porchlight/porchlight/federation/geo"
	"github.com/porchlight/porchlight/federation/roster"
	"github.com/porchlight/porchlight/federation/wire"
	"github.com/porchlight/porchlight/internal/testutil"
)

// The agency side's tests run it on real hood cores (federation.Node on 127.0.0.1), wired as nvr wires
// them. A node here is both: the core's exported API and the agency side's, internals included.
type node struct {
	*federation.Node
	*Agency
	name string
}

// testNode starts a node on 127.0.0.1 with a fresh key and data dir, running until the test ends; edit
// and aedit, when not nil, change the core's and the agency side's configs.
func testNode(t testing.TB, name string, edit func(*federation.Config), aedit func(*Config)) *node {
	t.Helper()
	key, logger := fedtest.Identity(t, name)
	fc := federation.Config{DataDir: t.TempDir(), Key: key, Name: name, Listen: fedtest.Loopback,
		DiscoverInterval: time.Second, SyncInterval: testSyncInterval, Logger: logger}
	if edit != nil {
		edit(&fc)
	}
	ac := Config{DataDir: fc.DataDir, Key: fc.Key, Role: fc.Role, Logger: fc.Logger}
	if fc.Clips != nil {
		ac.Clips = fc.Clips
	}
	if aedit != nil {
		aedit(&ac)
	}
	var ag *Agency
	fc.AttachRequests = func(core *federation.Node) (federation.Requests, error) {
		var err error
		ag, err = New(ac, core)
		return ag, err
	}
	core, err := federation.New(fc)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { core.Run(ctx) })
	wg.Go(func() { ag.Run(ctx) })
	t.Cleanup(func() {
		cancel()
		wg.Wait()
		if err := errors.Join(ag.Close(), core.Close()); err != nil {
			t.Error(err)
		}
	})
	return &node{Node: core, Agency: ag, name: name}
}

// testSyncInterval is how often test nodes sync with a random member.
const testSyncInterval = 10 * time.Second

// join has node j join the hood of steward s with a fresh invite (fedtest.Join).
func join(t testing.TB, s, j *node, role string) federation.HoodInfo {
	t.Helper()
	return fedtest.Join(t, j.name, role, s.Invite, func(inv federation.InviteInfo) string { return inv.Code }, j.Join)
}

// waitMembers waits until every node lists want members of the hood.
func waitMembers(t *testing.T, hood string, want int, nodes ...*node) {
	t.Helper()
	for _, n := range nodes {
		fedtest.WaitMembers(t, n.name, hood, want, n.Members)
	}
}

// waitGossip waits until gossip carries a message from every node to every other: each posts an alert,
// and every node must hold all of them.
func waitGossip(t *testing.T, hood string, nodes ...*node) {
	t.Helper()
	var ids []string
	for _, n := range nodes {
		a, err := n.PostAlert(context.Background(), federation.AlertDraft{Hood: hood, Text: "hello from " + n.name})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, a.ID)
	}
	for _, n := range nodes {
		testutil.WaitFor(t, 20*time.Second, n.name+" hears every member", func() bool {
			as, _ := n.Alerts(hood, time.Time{})
			held := map[string]bool{}
			for _, a := range as {
				held[a.ID] = true
			}
			for _, id := range ids {
				if !held[id] {
					return false
				}
			}
			return true
		})
	}
}

// peerInfo is where to reach n.
func peerInfo(n *node) peer.AddrInfo { return peer.AddrInfo{ID: n.ID(), Addrs: n.Host().Addrs()} }

// permissive is a node's agency hook with its own checks removed from what it publishes: an operator
// running modified software, publishing what honest homes refuse.
type permissive struct{ *Agency }

func (p permissive) CheckNotice(hood string, rec wire.Signed, author peer.ID) (any, error) {
	if author == p.self {
		return nil, nil
	}
	return p.Agency.CheckNotice(hood, rec, author)
}

// disarm removes n's own checks from the notices it publishes.
func disarm(n *node) { n.SetRequests(permissive{n.Agency}) }

// rawPublish publishes a record on the hood's topic as n, past n's own checks where n was disarmed.
func rawPublish(t *testing.T, n *node, hood string, rec wire.Signed) {
	t.Helper()
	if err := n.Publish(hood, rec); err != nil {
		t.Fatalf("%s publishes: %v", n.name, err)
	}
}

// fakeClips is the clip source the tests give homes.
type fakeClips = fedtest.Clips

// elm is an agency scope of 2 km around Elm Street.
var elm = fedtest.Elm

// fakeCameras is a home's cameras for the matcher.
type fakeCameras = fedtest.Cameras[Camera]

// camerasAt is a home with one camera d metres north of Elm Street (fedtest.CamerasAt).
func camerasAt(name string, d float64) *fakeCameras { return fedtest.CamerasAt(name, d, camera) }

// camera is the matcher's camera of that name and view.
func camera(name string, v geo.View) Camera { return Camera{Name: name, View: v} }

// agencyHood is a steward, an agency admitted with a 2 km scope around Elm Street, and homes with the
// given cameras (nil: none).
type agencyHood struct {
	hood    string
	steward *node
	agency  *node
	homes   []*node
}

func startAgencyHood(t *testing.T, cams ...*fakeCameras) *agencyHood {
	t.Helper()
	return startAgencyHoodScope(t, elm, cams...)
}

// startAgencyHoodScope is startAgencyHood with the agency's scope given.
func startAgencyHoodScope(t *testing.T, scope roster.Scope, cams ...*fakeCameras) *agencyHood {
	t.Helper()
	return startAgencyHoodWith(t, scope, nil, cams...)
}

// startAgencyHoodWith is startAgencyHoodScope with homeOpt, if not nil, applied to each home's configs.
func startAgencyHoodWith(t *testing.T, scope roster.Scope, homeOpt func(*federation.Config, *Config), cams ...*fakeCameras) *agencyHood {
	t.Helper()
	short := func(c *federation.Config) { c.SeenTTL = time.Second } // so replays past gossipsub's cache can be tested
	ah := &agencyHood{steward: testNode(t, "Steward", short, nil)}
	h, err := ah.steward.CreateHood("Elm Street")
	if err != nil {
		t.Fatal(err)
	}
	ah.hood = h.ID
	ah.agency = testNode(t, "Springfield PD", func(c *federation.Config) { c.Role = wire.RoleAgency; short(c) }, nil)
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
		var opt Config
		home := testNode(t, "Home "+string(rune('A'+i)), func(fc *federation.Config) {
			short(fc)
			if c != nil {
				fc.Clips = &fakeClips{Size: 1 << 20}
			}
			if homeOpt != nil {
				homeOpt(fc, &opt)
			}
		}, func(ac *Config) {
			if c != nil {
				ac.Cameras = c
			}
			if opt.DeliverRetry != 0 {
				ac.DeliverRetry = opt.DeliverRetry
			}
		})
		join(t, ah.steward, home, wire.RoleHousehold)
		ah.homes = append(ah.homes, home)
	}
	all := append([]*node{ah.steward, ah.agency}, ah.homes...)
	waitMembers(t, h.ID, len(all), all...)
	waitGossip(t, h.ID, all...)
	return ah
}

// draft is a request for footage of the last hour within radius metres of the point d metres north of
// Elm Street.
func draft(d, radius float64) RequestDraft {
	lat, lon := fedtest.North(d)
	now := time.Now()
	return RequestDraft{Case: "2026-1142", Category: "theft", Reason: "package taken from a porch",
		Contact: "Det. Ruiz", Lat: lat, Lon: lon, Radius: radius, Start: now.Add(-2 * time.Hour), End: now.Add(-time.Hour)}
}
