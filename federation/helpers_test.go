package federation

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/porchlight/porchlight/federation/fedtest"
	"github.com/porchlight/porchlight/internal/testutil"
)

// testNode starts a node on 127.0.0.1 with a fresh key and data dir, running until the test ends.
func testNode(t testing.TB, name string, edit func(*Config)) *Node {
	t.Helper()
	return startNode(t, testConfig(t, name, edit))
}

// testConfig is the configuration testNode uses: a fresh key and data dir, loopback only, fast redials.
func testConfig(t testing.TB, name string, edit func(*Config)) Config {
	t.Helper()
	key, logger := fedtest.Identity(t, name)
	cfg := Config{DataDir: t.TempDir(), Key: key, Name: name, Listen: fedtest.Loopback,
		DiscoverInterval: time.Second, SyncInterval: 10 * time.Second, Logger: logger}
	if edit != nil {
		edit(&cfg)
	}
	return cfg
}

// startNode starts a node from cfg and stops it at the end of the test.
func startNode(t testing.TB, cfg Config) *Node {
	t.Helper()
	n, _ := runNode(t, cfg)
	return n
}

// runNode starts a node from cfg, with its agency side wired as nvr wires it (agencyOf). stop stops and
// closes both (for tests that take a node offline and start it again on the same DataDir and Key); it is
// idempotent and also runs at the end of the test.
func runNode(t testing.TB, cfg Config) (n *Node, stop func()) {
	t.Helper()
	n, ag, err := newWithAgency(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done, agDone := make(chan struct{}), make(chan struct{})
	go func() { n.Run(ctx); close(done) }()
	go func() { ag.Run(ctx); close(agDone) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			<-agDone
			<-done
			if err := errors.Join(ag.Close(), n.Close()); err != nil {
				t.Error(err)
			}
		})
	}
	t.Cleanup(stop)
	return n, stop
}

// join has node j join the hood of steward s with a fresh invite (fedtest.Join).
func join(t testing.TB, s, j *Node, role string) HoodInfo {
	t.Helper()
	return fedtest.Join(t, j.cfg.Name, role, s.Invite, func(inv InviteInfo) string { return inv.Code }, j.Join)
}

// hasAlert reports whether n holds the alert.
func hasAlert(n *Node, id string) bool {
	as, _ := n.Alerts("", time.Time{})
	for _, a := range as {
		if a.ID == id {
			return true
		}
	}
	return false
}

func names(n int, prefix string) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s%02d", prefix, i)
	}
	return out
}

// waitMembers waits until every node lists want members of the hood.
func waitMembers(t *testing.T, hood string, want int, nodes ...*Node) {
	t.Helper()
	for _, n := range nodes {
		fedtest.WaitMembers(t, n.cfg.Name, hood, want, n.Members)
	}
}

// waitOnline waits until n has a connection to each of peers.
func waitOnline(t *testing.T, n *Node, peers ...*Node) {
	t.Helper()
	for _, p := range peers {
		testutil.WaitFor(t, 30*time.Second, n.cfg.Name+" connected to "+p.cfg.Name, func() bool {
			return len(n.Host().Network().ConnsToPeer(p.ID())) > 0
		})
	}
}

// waitAlerts waits until every node holds every alert.
func waitAlerts(t *testing.T, d time.Duration, ids []string, nodes ...*Node) {
	t.Helper()
	for _, n := range nodes {
		for _, id := range ids {
			testutil.WaitFor(t, d, n.cfg.Name+" to hold alert "+id, func() bool { return hasAlert(n, id) })
		}
	}
}

// assertNever checks for d that cond stays false: a bounded negative check.
func assertNever(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if cond() {
			t.Fatalf("want never, got: %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// peerInfo is where to reach n.
func peerInfo(n *Node) peer.AddrInfo { return peer.AddrInfo{ID: n.ID(), Addrs: n.Host().Addrs()} }

// assertRefused checks that from gets no working connection to n and that n counts the refusal. The dialer
// can finish its side of the handshake before n's gater refuses, so a nil error from Connect proves
// nothing: a stream must fail.
func assertRefused(t *testing.T, from host.Host, n *Node) {
	t.Helper()
	before := n.Rejected("connect")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := from.Connect(ctx, peerInfo(n)); err == nil {
		if s, err := from.NewStream(ctx, n.ID(), protoSync); err == nil {
			s.Reset()
			t.Fatalf("%s opened a stream to %s, want its connection refused", from.ID(), n.cfg.Name)
		}
	}
	testutil.WaitFor(t, 5*time.Second, n.cfg.Name+" to count the refused connection", func() bool {
		return n.Rejected("connect") > before
	})
	if got := len(n.Host().Network().ConnsToPeer(from.ID())); got != 0 {
		t.Fatalf("%s holds %d connections to %s, want 0", n.cfg.Name, got, from.ID())
	}
}
