package federation

import (
	"context"
	"crypto/rand"
	"slices"
	"testing"
	"time"

	"github.com/porchlight/porchlight/federation/wire"
	"github.com/porchlight/porchlight/internal/testutil"
)

// Certificates built by hand, past the issuing steward's count, with endorsements that do not count: the
// agency is a member, but the home rejects its requests as not cosigned. The control case carries B's
// valid endorsement, and the home takes its request.
func TestHomeRejectsNotCosigned(t *testing.T) {
	ch := startCosignHood(t)
	cases := []struct {
		name   string
		by     *Node
		edit   func(*wire.Endorsement)
		accept bool
	}{
		{"valid", ch.b, nil, true}, // first: no late rejection of another case can be counted against it
		{"forged by a member", ch.m, nil, false},
		{"the issuer's own", ch.a, nil, false},
		{"another scope", ch.b, func(e *wire.Endorsement) { e.Scope.PerDay = 1000 }, false},
		{"expired before issue", ch.b, func(e *wire.Endorsement) { e.Expires = time.Now().Add(-time.Hour).UnixMilli() }, false},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			pd := newAgency(t, "Agency "+string(rune('A'+i)))
			certByHand(t, ch, pd, c.by, c.edit)
			// The agency's node does not count its own credential's cosigners: it posts, and sends the
			// notice, whatever the certificate (the control case the same way, so only the certificate
			// differs).
			before := ch.home.Rejected("not-cosigned")
			r, err := agencyOf(pd).PostRequest(context.Background(), draft(20, 100))
			if err != nil {
				t.Fatal(err)
			}
			judged := func() bool {
				_, err := agencyOf(ch.home).Request(r.ID)
				return err == nil || ch.home.Rejected("not-cosigned") > before
			}
			// Stewards that refuse the notice do not pass it on: it reaches the home directly or not at
			// all, so it is published again (the same notice, a new gossip message) until the home has
			// judged it, as in TestRequestGuardrails.
			for try := 1; ; try++ {
				testutil.Poll(5*time.Second, judged)
				if judged() || try == 3 {
					break
				}
				notices, _ := agencyOf(pd).SyncNotices(ch.hood)
				for _, b := range notices {
					if id, ok := noticeRequestID(b); ok && id == r.ID {
						rec, _ := wire.Decode(b)
						pd.Publish(ch.hood, rec)
					}
				}
			}
			_, err = agencyOf(ch.home).Request(r.ID)
			held, rejected := err == nil, ch.home.Rejected("not-cosigned") > before
			if held != c.accept || rejected == c.accept {
				t.Errorf("the home holds the request: %v, counts it not cosigned: %v; want %v, %v", held, rejected,
					c.accept, !c.accept)
			}
		})
	}
}

// certByHand has steward A sign agency's certificate carrying by's endorsement, without A's count of
// them, gossips it, and puts agency in the hood as a join would.
func certByHand(t *testing.T, ch *cosignHood, agency, by *Node, edit func(*wire.Endorsement)) {
	t.Helper()
	ws, err := ch.elm.Wire(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	id := make([]byte, 16)
	rand.Read(id)
	inv := wire.Invite{Hood: ch.hood, ID: id, Role: wire.RoleAgency, Expires: time.Now().Add(time.Hour).UnixMilli(),
		Issuer: ch.a.pub(), Scope: &ws}
	recipient, err := agencyOf(agency).Recipient()
	if err != nil {
		t.Fatal(err)
	}
	claim, err := wire.Sign(wire.KindClaim, &wire.Claim{Hood: ch.hood, Invite: id, Member: agency.pub(),
		Name: agency.cfg.Name, Time: time.Now().UnixMilli(), Recipient: recipient}, agency.cfg.Key)
	if err != nil {
		t.Fatal(err)
	}
	sc := ws
	sc.Recipient = recipient
	cert, err := wire.Sign(wire.KindCert, &wire.Cert{Hood: ch.hood, Member: agency.pub(), Role: wire.RoleAgency,
		Name: agency.cfg.Name, Issued: time.Now().UnixMilli(), Invite: id, Issuer: ch.a.pub(), Scope: &sc,
		Claim: claim.Marshal(), Endorsements: [][]byte{endorsement(t, by, inv, edit).Marshal()}}, ch.a.cfg.Key)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ch.a.applyRecord(ch.hood, cert); err != nil {
		t.Fatalf("steward A takes the certificate: %v", err)
	}
	ch.a.publish(ch.hood, cert)
	ch.a.mu.RLock()
	g, recs := ch.a.hoods[ch.hood].r.GenesisRecord(), ch.a.hoods[ch.hood].r.Records()
	ch.a.mu.RUnlock()
	if err := agency.addHood(g, cert, recs); err != nil {
		t.Fatal(err)
	}
	agency.gater.allowDial(ch.a.ID(), time.Now().Add(time.Hour))
	ctx := joinCtx(t)
	if err := agency.Host().Connect(ctx, peerInfo(ch.a)); err != nil {
		t.Fatal(err)
	}
	agency.kickSync(ch.a.ID())
	testutil.WaitFor(t, 20*time.Second, "the home knows the agency", func() bool {
		ch.home.mu.RLock()
		defer ch.home.mu.RUnlock()
		return ch.home.hoods[ch.hood].r.Active(agency.ID())
	})
	testutil.WaitFor(t, 20*time.Second, "the agency shares the topic with the home", func() bool {
		agency.mu.RLock()
		defer agency.mu.RUnlock()
		return slices.Contains(agency.hoods[ch.hood].topic.ListPeers(), ch.home.ID())
	})
}
