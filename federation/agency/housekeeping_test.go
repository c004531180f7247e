package agency

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/porchlight/porchlight/federation"
	"github.com/porchlight/porchlight/federation/wire"
)

// An unfinished delivery is kept for a resume for a week, then swept; one still being written stays.
func TestSweepPartials(t *testing.T) {
	n := testNode(t, "agency", func(c *federation.Config) { c.Role = wire.RoleAgency }, nil)
	dir := filepath.Join(n.cfg.DataDir, submissionsDir)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	old, fresh := filepath.Join(dir, "aa.part"), filepath.Join(dir, "bb.part")
	for _, p := range []string{old, fresh} {
		if err := os.WriteFile(p, []byte("partial"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	stale := time.Now().Add(-partialLife - time.Hour)
	if err := os.Chtimes(old, stale, stale); err != nil {
		t.Fatal(err)
	}
	n.sweepPartials()
	if _, err := os.Stat(old); !os.IsNotExist(err) {
		t.Errorf("a week-old partial delivery is still there (%v)", err)
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Errorf("a fresh partial delivery was removed: %v", err)
	}
}

// Requests are kept RequestRetention past their expiry, then pruned; an agency's own requests and ones
// with a clip on its way stay.
func TestPruneRequests(t *testing.T) {
	ah := startAgencyHood(t, camerasAt("porch", 0))
	home, ag := ah.homes[0], ah.agency
	put := func(status string) string {
		nt := loggedNotice(t, ag, craftRequest(t, ag, ah.hood, draft(0, 100), nil))
		var n wire.Notice
		nt.Open(wire.KindNotice, &n)
		rec, _ := wire.Decode(n.Request)
		if _, err := home.store.putRequest(rec.ID(), requestState{Hood: ah.hood, Notice: nt.Marshal(),
			Agency: ag.ID().String(), Status: status}); err != nil {
			t.Fatal(err)
		}
		return rec.ID()
	}
	old, onItsWay := put(StatusDeclined), put(StatusApproved)
	if _, err := home.store.pruneRequests(time.Now().Add(-time.Hour).UnixMilli(), home.ID()); err != nil {
		t.Fatal(err)
	}
	if !home.store.seenRequest(old) {
		t.Fatal("a request not yet expired was pruned")
	}
	pruned, err := home.store.pruneRequests(time.Now().Add(2*time.Hour).UnixMilli(), home.ID()) // its expiry + 1 h
	if err != nil || pruned != 1 || home.store.seenRequest(old) || !home.store.seenRequest(onItsWay) {
		t.Fatalf("pruned %d (%v): old request held %v, approved one held %v; want only the old one gone",
			pruned, err, home.store.seenRequest(old), home.store.seenRequest(onItsWay))
	}
}
