package federation

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/porchlight/porchlight/federation/wire"
	"github.com/porchlight/porchlight/internal/testutil"
)

// Whole-hood tests on loopback: many members, a member that was offline, invites that must fail.

func TestTwentyHouseholds(t *testing.T) {
	if testing.Short() {
		t.Skip("starts 20 nodes")
	}
	started := time.Now()
	nodes := make([]*Node, 20)
	for i, name := range names(len(nodes), "House ") {
		nodes[i] = testNode(t, name, nil)
	}
	h, err := nodes[0].CreateHood("Twenty Houses")
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range nodes[1:] {
		join(t, nodes[0], n, wire.RoleHousehold)
	}
	waitMembers(t, h.ID, len(nodes), nodes...)
	t.Logf("20 nodes joined and agree on the roster after %s", time.Since(started).Round(time.Millisecond))

	posted := time.Now()
	var ids []string
	for i := 0; i < len(nodes); i += 4 {
		al, err := nodes[i].PostAlert(context.Background(), AlertDraft{Text: "alert from " + nodes[i].cfg.Name})
		if err != nil {
			t.Fatalf("%s posts: %v", nodes[i].cfg.Name, err)
		}
		ids = append(ids, al.ID)
	}
	waitAlerts(t, 30*time.Second, ids, nodes...)
	t.Logf("%d alerts reached all 20 nodes in %s", len(ids), time.Since(posted).Round(time.Millisecond))
	for _, n := range nodes {
		if got := n.Rejected("malformed") + n.Rejected("bad-signature") + n.Rejected("not-member"); got != 0 {
			t.Errorf("%s rejected %v honest messages, want 0", n.cfg.Name, got)
		}
	}
}

func TestCatchUpAfterOffline(t *testing.T) {
	const missed = 50
	burst := func(c *Config) { c.AlertBurst = 2 * missed } // every node limits every author: raise it everywhere
	a := testNode(t, "Oak 1", burst)
	b := testNode(t, "Oak 3", burst)
	c := testNode(t, "Oak 5", burst)
	dcfg := testConfig(t, "Oak 7", burst)
	d, stopD := runNode(t, dcfg)
	h, err := a.CreateHood("Oak Lane")
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []*Node{b, c, d} {
		join(t, a, n, wire.RoleHousehold)
	}
	waitMembers(t, h.ID, 4, a, b, c, d)
	waitOnline(t, d, a, b, c) // so d has learned (and stored) where the others are
	id := d.ID()
	stopD()

	var ids []string
	for i := range missed {
		n := []*Node{a, b, c}[i%3]
		al, err := n.PostAlert(context.Background(), AlertDraft{Text: fmt.Sprintf("alert %d while Oak 7 was away", i)})
		if err != nil {
			t.Fatalf("alert %d by %s: %v", i, n.cfg.Name, err)
		}
		ids = append(ids, al.ID)
	}
	waitAlerts(t, 30*time.Second, ids, a, b, c)

	restarted := time.Now()
	d, _ = runNode(t, dcfg) // same data dir and key; no addresses handed to it
	if d.ID() != id {
		t.Fatalf("restarted node has ID %s, want %s", d.ID(), id)
	}
	testutil.WaitFor(t, 30*time.Second, fmt.Sprintf("the restarted node to hold all %d alerts", missed), func() bool {
		as, _ := d.Alerts(h.ID, time.Time{})
		return len(as) >= missed
	})
	t.Logf("caught up on %d alerts %s after restart", missed, time.Since(restarted).Round(time.Millisecond))
	for _, id := range ids {
		if !hasAlert(d, id) {
			t.Errorf("restarted node lacks alert %s", id)
		}
	}
	if as, _ := d.Alerts(h.ID, time.Time{}); len(as) != missed {
		t.Errorf("restarted node holds %d alerts, want %d", len(as), missed)
	}
}

func TestRevokeMember(t *testing.T) {
	a := testNode(t, "Birch 2", nil)
	b := testNode(t, "Birch 4", nil)
	c := testNode(t, "Birch 6", nil)
	m := testNode(t, "Birch 8", nil)
	h, err := a.CreateHood("Birch Road")
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []*Node{b, c, m} {
		join(t, a, n, wire.RoleHousehold)
	}
	waitMembers(t, h.ID, 4, a, b, c, m)
	waitOnline(t, m, a, b, c)

	revoked := time.Now()
	if err := a.Revoke(h.ID, m.ID().String()); err != nil {
		t.Fatal(err)
	}
	for _, n := range []*Node{a, b, c} {
		testutil.WaitFor(t, 10*time.Second, n.cfg.Name+" to mark the member revoked", func() bool {
			ms, _ := n.Members(h.ID)
			for _, mi := range ms {
				if mi.ID == m.ID() {
					return mi.Revoked
				}
			}
			return false
		})
		if got := n.Hoods()[0].Members; got != 3 {
			t.Errorf("%s counts %d active members, want 3", n.cfg.Name, got)
		}
	}
	for _, n := range []*Node{b, c} {
		testutil.WaitFor(t, 10*time.Second, n.cfg.Name+" to close its connections to the revoked member", func() bool {
			return len(n.Host().Network().ConnsToPeer(m.ID())) == 0
		})
	}

	t.Run("steward drops it", func(t *testing.T) {
		// The steward may take the revoked node back as a guest (it has unexpired invites), but the
		// member connection it had must go, and with it the place in the steward's gossip mesh.
		testutil.WaitFor(t, 10*time.Second, "the steward to close its member connection to the revoked node", func() bool {
			for _, cn := range a.Host().Network().ConnsToPeer(m.ID()) {
				if cn.Stat().Opened.Before(revoked) {
					return false
				}
			}
			return true
		})
	})
	t.Run("cannot reconnect", func(t *testing.T) { assertRefused(t, m.Host(), b) })

	t.Run("own alerts", func(t *testing.T) {
		_, err := m.PostAlert(context.Background(), AlertDraft{Text: "still here"})
		t.Logf("revoked member's PostAlert: %v (ErrRevoked only once it has heard of its revocation)", err)
		if err != nil && !errors.Is(err, ErrRevoked) {
			t.Errorf("PostAlert by the revoked member = %v, want nil or ErrRevoked", err)
		}
	})

	t.Run("relayed alert rejected", func(t *testing.T) {
		// The revoked member is cut off, so its alert can only come through a member that passes it on.
		disarm(t, c, h.ID)
		rec := signAlert(t, m, h.ID, time.Now(), "relayed for a revoked member")
		before := a.Rejected("not-member") + b.Rejected("not-member")
		rawPublish(t, c, h.ID, rec.Marshal())
		testutil.WaitFor(t, 10*time.Second, "the relayed alert to be rejected as not-member", func() bool {
			return a.Rejected("not-member")+b.Rejected("not-member") > before
		})
		if hasAlert(a, rec.ID()) || hasAlert(b, rec.ID()) {
			t.Error("a member stored the revoked member's alert")
		}
	})

	t.Run("hears nothing more", func(t *testing.T) {
		// Posted by the steward: the member the revoked node is most likely still connected to.
		al, err := a.PostAlert(context.Background(), AlertDraft{Text: "after the revocation"})
		if err != nil {
			t.Fatal(err)
		}
		waitAlerts(t, 10*time.Second, []string{al.ID}, b)
		assertNever(t, 3*time.Second, "the revoked member to receive a later alert", func() bool {
			return hasAlert(m, al.ID)
		})
	})
}

func TestInviteErrors(t *testing.T) {
	var skew atomic.Int64 // the steward's clock runs ahead by this much
	s := testNode(t, "Ash 1", func(c *Config) {
		c.Clock = func() time.Time { return time.Now().Add(time.Duration(skew.Load())) }
	})
	member := testNode(t, "Ash 3", nil)
	h, err := s.CreateHood("Ash Court")
	if err != nil {
		t.Fatal(err)
	}
	join(t, s, member, wire.RoleHousehold)
	if _, err := s.Invite(h.ID, "", time.Hour, nil); err != nil { // an open invite: s takes guests
		t.Fatal(err)
	}
	joinCode := func(n *Node, code string) error {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_, err := n.Join(ctx, code)
		return err
	}
	invite := func(ttl time.Duration) InviteInfo {
		inv, err := s.Invite(h.ID, wire.RoleHousehold, ttl, nil)
		if err != nil {
			t.Fatal(err)
		}
		return inv
	}

	t.Run("expired, seen by the joiner", func(t *testing.T) {
		inv := invite(time.Second)
		late := testNode(t, "late", func(c *Config) {
			c.Clock = func() time.Time { return time.Now().Add(2 * time.Second) }
		})
		if err := joinCode(late, inv.Code); !errors.Is(err, ErrInviteExpired) {
			t.Errorf("Join = %v, want ErrInviteExpired", err)
		}
	})
	t.Run("expired, seen by the steward", func(t *testing.T) {
		inv := invite(time.Second)
		skew.Store(int64(2 * time.Second))
		defer skew.Store(0)
		j := testNode(t, "prompt", nil) // its own clock says the invite is still good
		if err := joinCode(j, inv.Code); !errors.Is(err, ErrInviteExpired) {
			t.Errorf("Join = %v, want ErrInviteExpired", err)
		}
	})
	t.Run("used", func(t *testing.T) {
		inv := invite(time.Hour)
		first, second := testNode(t, "first", nil), testNode(t, "second", nil)
		if err := joinCode(first, inv.Code); err != nil {
			t.Fatalf("first claim: %v", err)
		}
		if err := joinCode(second, inv.Code); !errors.Is(err, ErrInviteUsed) {
			t.Errorf("second claim: Join = %v, want ErrInviteUsed", err)
		}
		if err := joinCode(first, invite(time.Hour).Code); !errors.Is(err, ErrInviteUsed) {
			t.Errorf("member joins again: Join = %v, want ErrInviteUsed", err)
		}
	})
	t.Run("revoked", func(t *testing.T) {
		inv := invite(time.Hour)
		if err := s.Revoke(h.ID, inv.ID); err != nil {
			t.Fatal(err)
		}
		j := testNode(t, "too late", nil)
		if err := joinCode(j, inv.Code); !errors.Is(err, ErrInviteRevoked) {
			t.Errorf("Join = %v, want ErrInviteRevoked", err)
		}
	})
	t.Run("tampered", func(t *testing.T) {
		code := invite(time.Hour).Code
		i := len(code) / 2
		repl := byte('A')
		if code[i] == 'A' {
			repl = 'B'
		}
		j := testNode(t, "forger", nil)
		if err := joinCode(j, code[:i]+string(repl)+code[i+1:]); !errors.Is(err, ErrInvalid) {
			t.Errorf("Join = %v, want ErrInvalid", err)
		}
	})
	t.Run("not a steward", func(t *testing.T) {
		if _, err := member.Invite(h.ID, wire.RoleHousehold, time.Hour, nil); !errors.Is(err, ErrNotSteward) {
			t.Errorf("Invite by a member = %v, want ErrNotSteward", err)
		}
	})
}

func TestClipFetch(t *testing.T) {
	clips := &fakeClips{Size: 3 << 20}
	s := testNode(t, "Elm 1", nil)
	author := testNode(t, "Elm 3", func(c *Config) { c.Clips = clips })
	neighbor := testNode(t, "Elm 5", nil)
	h, err := s.CreateHood("Elm Street")
	if err != nil {
		t.Fatal(err)
	}
	join(t, s, author, wire.RoleHousehold)
	join(t, s, neighbor, wire.RoleHousehold)
	waitMembers(t, h.ID, 3, s, author, neighbor)

	start := time.Now().Add(-time.Minute).Truncate(time.Millisecond)
	end := start.Add(30 * time.Second)
	posted := time.Now()
	al, err := author.PostAlert(context.Background(), AlertDraft{Text: "someone tried the car doors",
		Camera: "driveway", Start: start, End: end})
	if err != nil {
		t.Fatal(err)
	}
	if al.Clip == nil || al.Clip.Size != int64(clips.Size) || al.Clip.Camera != "driveway" {
		t.Fatalf("posted clip %+v, want driveway, %d bytes", al.Clip, clips.Size)
	}
	holds := clips.Holds()
	if len(holds) != 1 || holds[0].Camera != "driveway" || !holds[0].Start.Equal(start) || !holds[0].End.Equal(end) ||
		holds[0].Until.Before(posted.Add(AlertRetention-time.Minute)) {
		t.Fatalf("holds %+v, want one of driveway [%s, %s) for %s", holds, start, end, AlertRetention)
	}
	plain, err := author.PostAlert(context.Background(), AlertDraft{Text: "no footage of this one"})
	if err != nil {
		t.Fatal(err)
	}
	waitAlerts(t, 10*time.Second, []string{al.ID, plain.ID}, neighbor)
	fetch := func(id string) ([]byte, error) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		var buf bytes.Buffer
		_, err := neighbor.FetchClip(ctx, id, &buf)
		return buf.Bytes(), err
	}

	t.Run("exact bytes", func(t *testing.T) {
		got, err := fetch(al.ID)
		if err != nil {
			t.Fatal(err)
		}
		if want := clips.Footage("driveway", start, end); !bytes.Equal(got, want) {
			t.Fatalf("fetched %d bytes that differ from the %d served", len(got), len(want))
		}
	})
	t.Run("alert without clip", func(t *testing.T) {
		if _, err := fetch(plain.ID); !errors.Is(err, ErrNotFound) {
			t.Errorf("FetchClip = %v, want ErrNotFound", err)
		}
		if _, err := fetch("00000000000000000000000000000000"); !errors.Is(err, ErrNotFound) {
			t.Errorf("FetchClip of an unknown alert = %v, want ErrNotFound", err)
		}
	})
	t.Run("footage changed since posting", func(t *testing.T) {
		clips.Tamper.Store(true)
		defer clips.Tamper.Store(false)
		if _, err := fetch(al.ID); !errors.Is(err, ErrInvalid) {
			t.Errorf("FetchClip = %v, want ErrInvalid", err)
		}
	})
	// The owner's times may carry nanoseconds (the CLI takes RFC 3339 with them); the alert carries
	// milliseconds, and the clip hashed at posting is of the range the alert names.
	t.Run("times below the millisecond", func(t *testing.T) {
		fine := time.Now().Add(-2 * time.Minute)
		fine = fine.Truncate(time.Millisecond).Add(123456 * time.Nanosecond)
		al, err := author.PostAlert(context.Background(), AlertDraft{Text: "the van again", Camera: "driveway",
			Start: fine, End: fine.Add(20 * time.Second)})
		if err != nil {
			t.Fatal(err)
		}
		waitAlerts(t, 10*time.Second, []string{al.ID}, neighbor)
		got, err := fetch(al.ID)
		if want := clips.Footage("driveway", fine.Truncate(time.Millisecond), fine.Add(20*time.Second).Truncate(time.Millisecond)); err != nil || !bytes.Equal(got, want) {
			t.Fatalf("FetchClip = %d bytes, %v; want the %d bytes of the alert's millisecond range", len(got), err, len(want))
		}
	})
	t.Run("non-member", func(t *testing.T) { assertRefused(t, outsider(t), author) })
}
