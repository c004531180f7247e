package federation

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p"
	pubsub "github.com/libp2p/go-libp2p-pubsub"
	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/network"

	"github.com/porchlight/porchlight/federation/wire"
	"github.com/porchlight/porchlight/internal/testutil"
)

// Hostile peers: each case must be refused, counted under its reason, and harmless (honest alerts keep
// flowing afterwards).

// disarm removes n's own validator from the hood's topic, so that n publishes what honest nodes refuse:
// a member running modified software.
func disarm(t *testing.T, n *Node, hood string) {
	t.Helper()
	if err := n.ps.UnregisterTopicValidator(topicName(hood)); err != nil {
		t.Fatalf("disarm %s: %v", n.cfg.Name, err)
	}
}

// rawPublish publishes data on the hood's topic as n, past n's own checks where n was disarmed.
func rawPublish(t *testing.T, n *Node, hood string, data []byte) {
	t.Helper()
	n.mu.RLock()
	topic := n.hoods[hood].topic
	n.mu.RUnlock()
	if err := topic.Publish(context.Background(), data); err != nil {
		t.Fatalf("%s publishes: %v", n.cfg.Name, err)
	}
}

// signAlert signs an alert by n dated at, as PostAlert would, without storing or sending it.
func signAlert(t *testing.T, n *Node, hood string, at time.Time, text string) wire.Signed {
	t.Helper()
	a := wire.Alert{Hood: hood, Author: n.pub(), Time: at.UnixMilli(), Text: text, Nonce: make([]byte, 8)}
	rand.Read(a.Nonce)
	rec, err := wire.Sign(wire.KindAlert, &a, n.cfg.Key)
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

// outsider is a plain libp2p host with its own key: no member of anything.
func outsider(t *testing.T) host.Host {
	t.Helper()
	_, key, _ := ed25519.GenerateKey(rand.Reader)
	priv, err := crypto.UnmarshalEd25519PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	h, err := libp2p.New(libp2p.Identity(priv), libp2p.ListenAddrStrings("/ip4/127.0.0.1/tcp/0"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })
	return h
}

func TestHostile(t *testing.T) {
	const burst = 10
	cfg := func(c *Config) { c.SeenTTL = time.Second; c.GuestPeriod = 2 * time.Second; c.AlertBurst = burst }
	a := testNode(t, "Pine 1", cfg) // the steward
	b := testNode(t, "Pine 3", cfg)
	c := testNode(t, "Pine 5", cfg)
	x := testNode(t, "Pine 7", cfg) // a member gone bad
	h, err := a.CreateHood("Pine Way")
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []*Node{b, c, x} {
		join(t, a, n, wire.RoleHousehold)
	}
	honest := []*Node{a, b, c}
	waitMembers(t, h.ID, 4, a, b, c, x)
	waitOnline(t, x, honest...)
	disarm(t, x, h.ID)

	rejected := func(reason string) float64 {
		sum := 0.0
		for _, n := range honest {
			sum += n.Rejected(reason)
		}
		return sum
	}
	turn := 0
	stillWorks := func(t *testing.T) { // an honest alert (authors take turns) still reaches every honest node
		t.Helper()
		n := honest[turn%len(honest)]
		turn++
		al, err := n.PostAlert(context.Background(), AlertDraft{Text: "honest alert from " + n.cfg.Name})
		if err != nil {
			t.Fatal(err)
		}
		waitAlerts(t, 10*time.Second, []string{al.ID}, honest...)
	}
	signed := func(n *Node, at time.Time) func() wire.Signed {
		return func() wire.Signed { return signAlert(t, n, h.ID, at, "hostile") }
	}
	bytesOf := func(rec func() wire.Signed, edit func(*wire.Signed)) func() ([]byte, string) {
		return func() ([]byte, string) {
			r := rec()
			if edit != nil {
				edit(&r)
			}
			return r.Marshal(), r.ID()
		}
	}
	now := time.Now()
	cases := []struct {
		name, reason string
		msg          func() (data []byte, id string)
	}{
		{"forged signature", "bad-signature", bytesOf(signed(x, now), func(r *wire.Signed) { r.Sig[0] ^= 1 })},
		{"not the author", "not-author", bytesOf(signed(b, now), nil)},
		{"unknown version", "version", bytesOf(signed(x, now), func(r *wire.Signed) { r.V = wire.Version + 1 })},
		{"stale", "stale", bytesOf(signed(x, now.Add(-time.Hour)), nil)},
		{"future", "future", bytesOf(signed(x, now.Add(time.Hour)), nil)},
		{"garbage", "malformed", func() ([]byte, string) { return []byte("\xa1\x01not a record"), "" }},
		{"wrong kind", "kind", func() ([]byte, string) {
			rec, err := wire.Sign(wire.KindClaim, &wire.Claim{Hood: h.ID, Invite: make([]byte, 16), Member: x.pub(),
				Name: "x", Time: now.UnixMilli()}, x.cfg.Key)
			if err != nil {
				t.Fatal(err)
			}
			return rec.Marshal(), ""
		}},
		{"oversize", "oversize", func() ([]byte, string) { return make([]byte, wire.MaxRecord+1), "" }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			data, id := tc.msg()
			before := rejected(tc.reason)
			rawPublish(t, x, h.ID, data)
			testutil.WaitFor(t, 10*time.Second, "honest nodes to count a rejection for "+tc.reason, func() bool {
				return rejected(tc.reason) > before
			})
			stillWorks(t)
			for _, n := range honest {
				if id != "" && hasAlert(n, id) {
					t.Errorf("%s stored the refused alert %s", n.cfg.Name, id)
				}
			}
		})
	}

	t.Run("replay", func(t *testing.T) {
		al, err := x.PostAlert(context.Background(), AlertDraft{Text: "a real alert, to be replayed"})
		if err != nil {
			t.Fatal(err)
		}
		waitAlerts(t, 10*time.Second, []string{al.ID}, honest...)
		raw := x.store.alertByID(h.ID, al.ID)
		// Not a wait for an event: the replay must come after gossipsub's duplicate cache forgot the alert.
		<-time.After(x.cfg.SeenTTL + 500*time.Millisecond)
		before := rejected("replay")
		rawPublish(t, x, h.ID, raw)
		testutil.WaitFor(t, 10*time.Second, "honest nodes to count the replay", func() bool { return rejected("replay") > before })
		stillWorks(t)
		for _, n := range honest {
			as, _ := n.Alerts(h.ID, time.Time{})
			copies := 0
			for _, a := range as {
				if a.ID == al.ID {
					copies++
				}
			}
			if copies != 1 {
				t.Errorf("%s holds %d copies of the replayed alert, want 1", n.cfg.Name, copies)
			}
		}
	})

	t.Run("rate", func(t *testing.T) {
		before := rejected("rate")
		var ids []string
		for range 2 * burst {
			rec := signAlert(t, x, h.ID, time.Now(), "flood")
			rawPublish(t, x, h.ID, rec.Marshal())
			ids = append(ids, rec.ID())
		}
		testutil.WaitFor(t, 10*time.Second, "honest nodes to count the flood", func() bool { return rejected("rate") > before })
		stillWorks(t)
		for _, n := range honest {
			held := 0
			for _, id := range ids {
				if hasAlert(n, id) {
					held++
				}
			}
			if held > burst {
				t.Errorf("%s holds %d of %d flooded alerts, want at most the burst %d", n.cfg.Name, held, len(ids), burst)
			}
		}
	})

	t.Run("outsider dials a member", func(t *testing.T) {
		assertRefused(t, outsider(t), b)
		stillWorks(t)
	})

	t.Run("guest subscribes", func(t *testing.T) {
		if _, err := a.Invite(h.ID, wire.RoleHousehold, time.Hour, nil); err != nil {
			t.Fatal(err)
		}
		o := outsider(t)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		ps, err := pubsub.NewGossipSub(ctx, o)
		if err != nil {
			t.Fatal(err)
		}
		topic, err := ps.Join(topicName(h.ID))
		if err != nil {
			t.Fatal(err)
		}
		sub, err := topic.Subscribe()
		if err != nil {
			t.Fatal(err)
		}
		var got atomic.Int32
		go func() {
			for {
				m, err := sub.Next(ctx)
				if err != nil {
					return
				}
				if m.ReceivedFrom != o.ID() { // its own publications come back to it
					got.Add(1)
				}
			}
		}()
		before := a.Rejected("subscribe")
		if err := o.Connect(ctx, peerInfo(a)); err != nil {
			t.Fatalf("guest connects to a steward with an open invite: %v", err)
		}
		testutil.WaitFor(t, 10*time.Second, "the steward to count the guest's subscription", func() bool {
			return a.Rejected("subscribe") > before
		})
		testutil.WaitFor(t, 10*time.Second, "guest and steward to have exchanged subscriptions", func() bool {
			return slices.Contains(ps.ListPeers(topicName(h.ID)), a.ID()) &&
				slices.Contains(a.ps.ListPeers(topicName(h.ID)), o.ID())
		})
		// The guest publishes alerts it signed itself, until the steward has refused one: the guest's
		// first publication can go out before its pubsub stream to the steward is ready.
		raw, err := o.Peerstore().PrivKey(o.ID()).Raw()
		if err != nil {
			t.Fatal(err)
		}
		key := ed25519.PrivateKey(raw)
		var injected []string
		before = a.Rejected("not-member")
		var last time.Time
		testutil.WaitFor(t, 10*time.Second, "the steward to refuse the guest's alerts", func() bool {
			if a.Rejected("not-member") > before {
				return true
			}
			if time.Since(last) < 200*time.Millisecond {
				return false
			}
			last = time.Now()
			al := wire.Alert{Hood: h.ID, Author: key.Public().(ed25519.PublicKey), Time: time.Now().UnixMilli(),
				Text: "from a guest", Nonce: make([]byte, 8)}
			rand.Read(al.Nonce)
			rec, err := wire.Sign(wire.KindAlert, &al, key)
			if err != nil {
				t.Fatal(err)
			}
			injected = append(injected, rec.ID())
			if err := topic.Publish(ctx, rec.Marshal()); err != nil {
				t.Fatal(err)
			}
			return false
		})
		for _, n := range []*Node{a, b} { // the steward's own post, and one it forwards
			if _, err := n.PostAlert(ctx, AlertDraft{Text: "members only, from " + n.cfg.Name}); err != nil {
				t.Fatal(err)
			}
		}
		assertNever(t, 3*time.Second, "the guest to receive a hood message", func() bool { return got.Load() > 0 })
		testutil.WaitFor(t, 10*time.Second, "the steward to drop the guest", func() bool {
			return o.Network().Connectedness(a.ID()) != network.Connected
		})
		stillWorks(t)
		for _, n := range honest {
			for _, id := range injected {
				if hasAlert(n, id) {
					t.Errorf("%s stored the guest's alert %s", n.cfg.Name, id)
				}
			}
		}
	})

	t.Run("sync serves a forgery", func(t *testing.T) {
		rec := signAlert(t, x, h.ID, time.Now(), "forged, handed out by sync")
		rec.Sig[0] ^= 1
		var al wire.Alert
		if err := rec.Open(wire.KindAlert, &al); err != nil {
			t.Fatal(err)
		}
		if err := x.store.addAlert(h.ID, rec.ID(), al.Time, rec.Marshal()); err != nil {
			t.Fatal(err)
		}
		before := b.Rejected("bad-signature")
		if err := b.syncHood(context.Background(), x.ID(), h.ID); err != nil {
			t.Fatalf("sync with the bad member: %v", err)
		}
		if got := b.Rejected("bad-signature"); got <= before {
			t.Errorf("bad-signature rejections after the sync = %v, want more than %v", got, before)
		}
		if hasAlert(b, rec.ID()) {
			t.Error("the forged alert was stored from sync")
		}
		stillWorks(t)
	})
}
