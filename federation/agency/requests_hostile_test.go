package agency

import (
	"context"
	"crypto/rand"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/libp2p/go-libp2p/core/network"
	"github.com/porchlight/porchlight/federation/fedtest"
	"github.com/porchlight/porchlight/federation/roster"
	"github.com/porchlight/porchlight/federation/tlog"
	"github.com/porchlight/porchlight/federation/wire"
	"github.com/porchlight/porchlight/internal/testutil"
)

// craftRequest signs a request by n from a draft, edited by the test, without any of PostRequest's checks.
func craftRequest(t *testing.T, n *node, hood string, d RequestDraft, edit func(*wire.Request)) wire.Signed {
	t.Helper()
	area := wire.Area{Center: roster.Microdegrees(d.Lat, d.Lon), Radius: uint32(d.Radius)}
	now := time.Now()
	r := wire.Request{Hood: hood, Agency: n.pub(), Case: d.Case, Reason: d.Reason, Area: area,
		Start: d.Start.UnixMilli(), End: d.End.UnixMilli(), Expires: now.Add(time.Hour).UnixMilli(), Time: now.UnixMilli(),
		Nonce: make([]byte, 8)}
	rand.Read(r.Nonce)
	if edit != nil {
		edit(&r)
	}
	rec, err := wire.Sign(wire.KindRequest, &r, n.cfg.Key)
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

// loggedNotice appends a crafted request to n's log, as an agency gone bad would, and wraps it.
func loggedNotice(t *testing.T, n *node, rec wire.Signed) wire.Signed {
	t.Helper()
	nt, err := n.logRequest(rec)
	if err != nil {
		t.Fatal(err)
	}
	return nt
}

// Requests that break a guardrail are refused by every home, counted under their reason, and stored
// nowhere; an honest request still gets through afterwards.
func TestRequestGuardrails(t *testing.T) {
	ah := startAgencyHood(t, camerasAt("porch", 0), nil)
	home := ah.homes[0]
	ag := ah.agency
	warm, err := ag.PostRequest(context.Background(), draft(0, 100))
	if err != nil {
		t.Fatal(err)
	}
	testutil.WaitFor(t, 20*time.Second, "the home gets an honest request", func() bool {
		_, err := home.Request(warm.ID)
		return err == nil
	})
	disarm(ag)
	now := time.Now()
	unlogged := func(rec wire.Signed) wire.Signed { // a notice whose proof is against a checkpoint without it
		l, err := ag.agencyLog()
		if err != nil {
			t.Fatal(err)
		}
		nt, err := wire.Sign(wire.KindNotice, &wire.Notice{Request: rec.Marshal(), Index: l.Size(), Checkpoint: l.Checkpoint()}, ag.cfg.Key)
		if err != nil {
			t.Fatal(err)
		}
		return nt
	}
	cases := []struct {
		reason string
		notice func() wire.Signed
	}{
		{"scope", func() wire.Signed { return loggedNotice(t, ag, craftRequest(t, ag, ah.hood, draft(5000, 100), nil)) }},
		{"area-cap", func() wire.Signed { return loggedNotice(t, ag, craftRequest(t, ag, ah.hood, draft(0, 700), nil)) }},
		{"window-cap", func() wire.Signed {
			return loggedNotice(t, ag, craftRequest(t, ag, ah.hood, draft(0, 100), func(r *wire.Request) {
				r.Start = now.Add(-14 * time.Hour).UnixMilli()
			}))
		}},
		{"window-cap", func() wire.Signed { // a window from long before: End-Start must not wrap past the cap
			return loggedNotice(t, ag, craftRequest(t, ag, ah.hood, draft(0, 100), func(r *wire.Request) {
				r.Start = 1
			}))
		}},
		{"future-window", func() wire.Signed {
			return loggedNotice(t, ag, craftRequest(t, ag, ah.hood, draft(0, 100), func(r *wire.Request) {
				r.End = now.Add(time.Hour).UnixMilli()
			}))
		}},
		{"expired", func() wire.Signed {
			return loggedNotice(t, ag, craftRequest(t, ag, ah.hood, draft(0, 100), func(r *wire.Request) {
				r.Time, r.Expires = now.Add(-5*time.Minute).UnixMilli(), now.Add(-time.Minute).UnixMilli()
			}))
		}},
		{"not-logged", func() wire.Signed { return unlogged(craftRequest(t, ag, ah.hood, draft(0, 100), nil)) }},
		{"bad-signature", func() wire.Signed {
			rec := craftRequest(t, ag, ah.hood, draft(0, 100), nil)
			rec.Sig[3] ^= 1
			return loggedNotice(t, ag, rec)
		}},
	}
	for _, c := range cases {
		t.Run(c.reason, func(t *testing.T) {
			before := home.Rejected(c.reason)
			nt := c.notice()
			// Published again (a new gossip message with the same notice) if the home has not judged it
			// within 5 s: rarely, under load, the first publish after disarm did not reach the home in
			// time (not understood; gossip loss is what sync covers for honest notices).
			rejected := func() bool { return home.Rejected(c.reason) > before }
			for try := 0; try < 3 && !rejected(); try++ {
				rawPublish(t, ag, ah.hood, nt)
				testutil.Poll(5*time.Second, rejected)
			}
			if !rejected() {
				t.Fatalf("home did not reject the notice under %s", c.reason)
			}
			if all, _ := home.Requests(false); len(all) != 1 {
				t.Fatalf("home stored %d requests, want only the honest one", len(all))
			}
		})
	}

	t.Run("forged by a household", func(t *testing.T) {
		x := ah.homes[1]
		disarm(x)
		before := home.Rejected("not-agency")
		rawPublish(t, x, ah.hood, loggedNotice(t, x, craftRequest(t, x, ah.hood, draft(0, 100), nil)))
		testutil.WaitFor(t, 10*time.Second, "home rejects a household's request", func() bool { return home.Rejected("not-agency") > before })
	})

	honest := loggedNotice(t, ag, craftRequest(t, ag, ah.hood, draft(0, 100), nil))
	rawPublish(t, ag, ah.hood, honest)
	testutil.WaitFor(t, 10*time.Second, "an honest request still arrives", func() bool {
		in, _ := home.Requests(true)
		return len(in) == 2
	})

	t.Run("replay after the gossip cache expired", func(t *testing.T) {
		before := home.Rejected("replay")
		time.Sleep(1500 * time.Millisecond) // SeenTTL is 1 s in this hood: gossipsub has forgotten the notice
		rawPublish(t, ag, ah.hood, honest)
		testutil.WaitFor(t, 10*time.Second, "home rejects the replay", func() bool { return home.Rejected("replay") > before })
	})

	t.Run("replay by sync", func(t *testing.T) {
		// A notice the home holds, handed over again: the expected overlap of sync, not counted.
		before := home.Rejected("replay")
		home.TakeSynced(ah.hood, ag.ID(), [][]byte{honest.Marshal()}, nil)
		if got := home.Rejected("replay"); got != before {
			t.Fatalf("a synced repeat was counted as a replay (%v → %v)", before, got)
		}
		if all, _ := home.Requests(false); len(all) != 2 {
			t.Fatalf("home holds %d requests, want 2", len(all))
		}
	})

	t.Run("rate", func(t *testing.T) {
		// The credential allows 10 requests a day; the home holds 2. Eight more pass, the eleventh does not.
		for range 8 {
			rawPublish(t, ag, ah.hood, loggedNotice(t, ag, craftRequest(t, ag, ah.hood, draft(0, 100), nil)))
		}
		testutil.WaitFor(t, 10*time.Second, "home holds 10 requests", func() bool {
			all, _ := home.Requests(false)
			return len(all) == 10
		})
		before := home.Rejected("rate")
		rawPublish(t, ag, ah.hood, loggedNotice(t, ag, craftRequest(t, ag, ah.hood, draft(0, 100), nil)))
		testutil.WaitFor(t, 10*time.Second, "home rejects the eleventh request of the day", func() bool { return home.Rejected("rate") > before })
		if all, _ := home.Requests(false); len(all) != 10 {
			t.Fatalf("home holds %d requests, want 10", len(all))
		}
	})

	t.Run("revoked agency", func(t *testing.T) {
		rec := loggedNotice(t, ag, craftRequest(t, ag, ah.hood, draft(0, 100), nil))
		if err := ah.steward.Revoke(ah.hood, ag.ID().String()); err != nil {
			t.Fatal(err)
		}
		testutil.WaitFor(t, 10*time.Second, "home learns of the revocation", func() bool { return !home.IsHoodMember(ah.hood, ag.ID()) })
		before := home.Rejected("revoked")
		home.TakeSynced(ah.hood, ah.steward.ID(), [][]byte{rec.Marshal()}, nil)
		if home.Rejected("revoked") <= before {
			t.Fatal("a request of a revoked agency was not refused as revoked")
		}
	})
}

// A log that shows two homes two different trees is caught when the homes compare checkpoints in sync.
func TestForkedLogDetected(t *testing.T) {
	ah := startAgencyHood(t, camerasAt("porch", 0), camerasAt("gate", 500))
	a, b := ah.homes[0], ah.homes[1]
	ag := ah.agency
	if _, err := ag.PostRequest(context.Background(), draft(0, 100)); err != nil {
		t.Fatal(err)
	}
	if _, err := ag.PostRequest(context.Background(), draft(10, 100)); err != nil {
		t.Fatal(err)
	}
	origin := logOrigin(ag.ID())
	for _, n := range []*node{a, b} {
		testutil.WaitFor(t, 10*time.Second, n.name+" accepts the checkpoint of size 2", func() bool {
			cp, ok := n.witness.Latest(origin)
			return ok && cp.Size == 2
		})
	}
	// The agency's operator builds a second log with the same key: the first request, then another one in
	// place of the second, and shows it to home B alone, with a valid consistency proof.
	signer, err := tlog.NewSigner(origin, ag.cfg.Key)
	if err != nil {
		t.Fatal(err)
	}
	db, err := bolt.Open(filepath.Join(t.TempDir(), "fork.db"), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	fork, err := tlog.Open(db, bAgencyLog, signer)
	if err != nil {
		t.Fatal(err)
	}
	e0, _ := ag.reqLog.Entry(0)
	if _, _, err := fork.Append(e0, []byte("a request only home B is shown")); err != nil {
		t.Fatal(err)
	}
	v, _ := logVerifier(ag.ID(), ag.pub())
	forked, err := tlog.ParseCheckpoint(fork.Checkpoint(), v)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.witness.Observe(forked, nil); err == nil {
		t.Fatal("home B took a same-size checkpoint with another tree without complaint")
	}
	// Home A saw only the honest log. A new home, B2, is shown only the forked one (before it ever syncs);
	// when A and B2 compare checkpoints, A finds the fork.
	b2 := testNode(t, "Home B2", nil, nil)
	if err := b2.witness.Observe(forked, nil); err != nil {
		t.Fatal(err)
	}
	join(t, ah.steward, b2, "household")
	waitMembers(t, ah.hood, 5, a, b2)
	// Once connected, each syncs with the other as soon as it sees it on the hood's topic.
	// A's dial may cross one B2 makes from its listening port to A's (TCP simultaneous open: both ends
	// then speak first in the security handshake and it fails); dial again until connected.
	testutil.WaitFor(t, 10*time.Second, "home A connected to B2", func() bool {
		if a.Host().Network().Connectedness(b2.Host().ID()) == network.Connected {
			return true
		}
		_ = a.Host().Connect(context.Background(), peerInfo(b2))
		return a.Host().Network().Connectedness(b2.Host().ID()) == network.Connected
	})
	testutil.WaitFor(t, 3*testSyncInterval, "home A records the fork from B2's checkpoint", func() bool {
		fs, _ := a.witness.Forks()
		return len(fs) > 0
	})
	reps, _ := a.VerifyLogs(context.Background())
	if len(reps) != 1 || reps[0].OK() || reps[0].Forks == 0 {
		t.Fatalf("A's audit %+v, want the fork reported", reps)
	}
	// A forked log gets no footage: home A's owner cannot approve the agency's request.
	in, _ := a.Requests(true)
	if len(in) == 0 {
		t.Fatal("home A has no request in its inbox")
	}
	if _, err := a.Approve(context.Background(), in[0].ID, Approval{Camera: "porch"}); err == nil ||
		!strings.Contains(err.Error(), "forked") {
		t.Fatalf("approving a request of a forked log: %v, want refused", err)
	}
}

// A credential that expired is refused by homes (and by the agency's own node before it posts).
func TestExpiredCredential(t *testing.T) {
	ah := startAgencyHoodScope(t, roster.Scope{Lat: fedtest.ElmLat, Lon: fedtest.ElmLon, Radius: 2000, Valid: 3 * time.Second}, camerasAt("porch", 0))
	home, ag := ah.homes[0], ah.agency
	dir := ag.Directory()
	if len(dir) != 1 {
		t.Fatalf("directory %+v", dir)
	}
	testutil.WaitFor(t, 10*time.Second, "the credential expires", func() bool { return time.Now().After(dir[0].Expires) })
	if _, err := ag.PostRequest(context.Background(), draft(0, 100)); !errors.Is(err, roster.ErrNoCredential) {
		t.Fatalf("the agency posted with an expired credential: %v", err)
	}
	disarm(ag)
	before := home.Rejected("credential-expired")
	rawPublish(t, ag, ah.hood, loggedNotice(t, ag, craftRequest(t, ag, ah.hood, draft(0, 100), nil)))
	testutil.WaitFor(t, 10*time.Second, "home refuses the expired credential", func() bool {
		return home.Rejected("credential-expired") > before
	})
}

// A burst of requests validated at once cannot pass the agency's daily rate before any of them is stored.
func TestRateHoldsUnderBurst(t *testing.T) {
	ah := startAgencyHoodScope(t, roster.Scope{Lat: fedtest.ElmLat, Lon: fedtest.ElmLon, Radius: 2000, PerDay: 3}, camerasAt("porch", 0))
	home, ag := ah.homes[0], ah.agency
	var notices []wire.Signed
	for range 6 {
		notices = append(notices, loggedNotice(t, ag, craftRequest(t, ag, ah.hood, draft(0, 100), nil)))
	}
	var accepted atomic.Int32
	var wg sync.WaitGroup
	for _, nt := range notices {
		wg.Go(func() {
			if _, err := home.CheckNotice(ah.hood, nt, ""); err == nil {
				accepted.Add(1)
			}
		})
	}
	wg.Wait()
	if got := accepted.Load(); got != 3 {
		t.Fatalf("%d of 6 requests validated at once were accepted, want the day's 3", got)
	}
}

// An agency credential counts only cosigned: a steward-signed scope whose claim is not the agency's own
// claim of that invite and key is refused.
func TestCredentialCosigned(t *testing.T) {
	ah := startAgencyHood(t)
	var cert wire.Cert
	ah.steward.Roster(ah.hood, func(r *roster.Roster) {
		m, _ := r.Member(ah.agency.ID())
		cert = m.Cert
	})
	if cert.Scope == nil || len(cert.Claim) == 0 {
		t.Fatalf("the agency's certificate has no cosigned scope: %+v", cert)
	}
	forged := cert
	forged.Scope = &wire.Scope{}
	*forged.Scope = *cert.Scope
	forged.Scope.Recipient = "age1" + strings.Repeat("q", 58) // a key the agency never named
	forged.Invite = append([]byte(nil), cert.Invite...)
	rec, err := wire.Sign(wire.KindCert, &forged, ah.steward.cfg.Key)
	if err != nil {
		t.Fatal(err)
	}
	ah.steward.Roster(ah.hood, func(r *roster.Roster) { _, _, err = r.CheckCert(rec) })
	if err == nil || !strings.Contains(err.Error(), "cosigned") {
		t.Fatalf("a scope with another key than the agency claimed: %v, want refused", err)
	}
}
