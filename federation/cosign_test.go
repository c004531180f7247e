package federation

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/porchlight/porchlight/federation/fedtest"
	"github.com/porchlight/porchlight/federation/wire"
	"github.com/porchlight/porchlight/internal/testutil"
)

// cosignHood is a hood founded by steward A with co-steward B (agency quorum 2, the default), a household
// member M that is no steward, and a home with a camera on Elm Street.
type cosignHood struct {
	hood    string
	a, b, m *Node
	home    *Node
	elm     Scope
}

func startCosignHood(t *testing.T) *cosignHood {
	t.Helper()
	ch := &cosignHood{a: testNode(t, "Steward A", nil), b: testNode(t, "Steward B", nil), m: testNode(t, "Member M", nil),
		elm: Scope{Lat: fedtest.ElmLat, Lon: fedtest.ElmLon, Radius: 2000}}
	ch.home = testNode(t, "Home", func(c *Config) { withCameras(c, camerasAt("porch", 0)); c.Clips = &fakeClips{Size: 1 << 20} })
	h, err := ch.a.FoundHood("Elm Street", Founding{CoStewards: []peer.ID{ch.b.ID()}})
	if err != nil {
		t.Fatal(err)
	}
	ch.hood = h.ID
	for _, n := range []*Node{ch.b, ch.m, ch.home} {
		join(t, ch.a, n, "household")
	}
	if got := ch.b.Hoods()[0]; !got.Steward {
		t.Fatalf("co-steward B after joining: got %+v, want a steward", got)
	}
	if got := ch.m.Hoods()[0]; got.Steward {
		t.Fatalf("member M: got %+v, want no steward", got)
	}
	return ch
}

// testSyncInterval is testConfig's SyncInterval.
const testSyncInterval = 10 * time.Second

// newAgency starts an agency node.
func newAgency(t *testing.T, name string) *Node {
	return testNode(t, name, func(c *Config) { c.Role = "agency" })
}

// waitHood waits until every node lists the hood's members and shares its topic with all of them.
func waitHood(t *testing.T, hood string, all ...*Node) {
	t.Helper()
	waitMembers(t, hood, len(all), all...)
	for _, n := range all {
		testutil.WaitFor(t, 20*time.Second, n.cfg.Name+" shares the topic with every member", func() bool {
			n.mu.RLock()
			defer n.mu.RUnlock()
			return len(n.hoods[hood].topic.ListPeers()) == len(all)-1
		})
	}
}

func joinCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// An agency invite of a hood that needs two stewards is refused until another steward cosigns it; then the
// same invite admits the agency, the directory names both stewards and a home takes the agency's request.
func TestAgencyInviteNeedsCosign(t *testing.T) {
	ch := startCosignHood(t)
	agency := newAgency(t, "Springfield PD")
	inv, err := ch.a.InviteAgency("", time.Hour, nil, ch.elm)
	if err != nil {
		t.Fatal(err)
	}
	_, err = agency.Join(joinCtx(t), inv.Code)
	const want = "needs 1 more steward cosignatures: another steward cosigns the code (Neighborhood page, or `porchlight hood cosign`)"
	if !errors.Is(err, ErrNotCosigned) || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "\n") {
		t.Fatalf("join without cosign: got %v, want ErrNotCosigned saying %q on one line", err, want)
	}
	if got := ch.a.Rejected("join-cosign"); got != 1 {
		t.Errorf("steward's join-cosign rejections: got %v, want 1", got)
	}

	if _, err := ch.a.Cosign(inv.Code); err == nil {
		t.Error("the issuer cosigns its own invite: got nil, want an error")
	}
	if _, err := ch.m.Cosign(inv.Code); !errors.Is(err, ErrNotSteward) {
		t.Errorf("member M cosigns: got %v, want ErrNotSteward", err)
	}
	info, err := ch.b.Cosign(inv.Code)
	if err != nil {
		t.Fatalf("steward B cosigns: %v", err)
	}
	if !slices.Equal(info.Signers, []peer.ID{ch.a.ID(), ch.b.ID()}) || info.Quorum != 2 || info.Radius != 2000 ||
		info.HoodName != "Elm Street" {
		t.Errorf("cosign info: got %+v, want signers A, B, quorum 2, radius 2000 in Elm Street", info)
	}
	if _, err := ch.b.Cosign(info.Code); err == nil {
		t.Error("B cosigns twice: got nil, want an error")
	}
	if _, err := agency.Join(joinCtx(t), info.Code); err != nil {
		t.Fatalf("join after cosign: %v", err)
	}
	waitHood(t, ch.hood, ch.a, ch.b, ch.m, ch.home, agency)

	dir := agencyOf(ch.home).Directory()
	if len(dir) != 1 || !slices.Equal(dir[0].SignedBy, []string{"Steward A", "Steward B"}) {
		t.Errorf("home's directory: got %+v, want the agency signed by Steward A and Steward B", dir)
	}
	r, err := agencyOf(agency).PostRequest(context.Background(), draft(20, 100))
	if err != nil {
		t.Fatal(err)
	}
	// By gossip, or by the next sync if gossip dropped it (see TestRequestGuardrails).
	testutil.WaitFor(t, 3*testSyncInterval, "the home has the cosigned agency's request in its inbox", func() bool {
		in, _ := agencyOf(ch.home).Requests(true)
		return len(in) == 1 && in[0].ID == r.ID
	})
	if got := ch.home.Rejected("not-cosigned"); got != 0 {
		t.Errorf("home's not-cosigned rejections: got %v, want 0", got)
	}
}

// Endorsements that are not of a steward of the hood, or not of this invite, do not count toward the
// quorum: the issuing steward refuses the join.
func TestJoinRefusesBadEndorsements(t *testing.T) {
	ch := startCosignHood(t)
	agency := newAgency(t, "Springfield PD")
	inv, err := ch.a.InviteAgency("", time.Hour, nil, ch.elm)
	if err != nil {
		t.Fatal(err)
	}
	rec, body, _, err := wire.ParseInviteBundle(inv.Code)
	if err != nil {
		t.Fatal(err)
	}
	// An endorsement by a household: it verifies, so the code parses, but M is no steward.
	forged := endorsement(t, ch.m, body, nil)
	if _, err := agency.Join(joinCtx(t), wire.InviteCode(rec, forged)); !errors.Is(err, ErrNotCosigned) {
		t.Errorf("join with an endorsement by a member: got %v, want ErrNotCosigned", err)
	}
	// B's endorsement of another invite's scope, sent by hand beside this invite.
	other := endorsement(t, ch.b, body, func(e *wire.Endorsement) { e.Scope.Area.Radius = 5000 })
	if _, err := joinWith(t, agency, ch.a, rec, body, other.Marshal()); !errors.Is(err, ErrNotCosigned) {
		t.Errorf("join with an endorsement of another scope: got %v, want ErrNotCosigned", err)
	}
	// The invite was not used up by the refusals: the cosigned code still admits the agency.
	good := endorsement(t, ch.b, body, nil)
	if _, err := agency.Join(joinCtx(t), wire.InviteCode(rec, good)); err != nil {
		t.Errorf("join with B's endorsement after the refusals: %v", err)
	}
}

// endorsement is steward s's endorsement of inv; edit, when not nil, changes it before s signs it.
func endorsement(t *testing.T, s *Node, inv wire.Invite, edit func(*wire.Endorsement)) wire.Signed {
	t.Helper()
	e, err := wire.Endorse(inv, s.pub())
	if err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		edit(&e)
	}
	rec, err := wire.Sign(wire.KindEndorsement, &e, s.cfg.Key)
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

// joinWith sends agency's claim of an invite with the endorsements given as they are, past the checks
// the agency's own Join makes of a code, and returns the steward's answer.
func joinWith(t *testing.T, agency, steward *Node, rec wire.Signed, inv wire.Invite, ends ...[]byte) (joinResponse, error) {
	t.Helper()
	recipient, err := agencyOf(agency).Recipient()
	if err != nil {
		t.Fatal(err)
	}
	claim, err := wire.Sign(wire.KindClaim, &wire.Claim{Hood: inv.Hood, Invite: inv.ID, Member: agency.pub(),
		Name: agency.cfg.Name, Time: time.Now().UnixMilli(), Recipient: recipient}, agency.cfg.Key)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := steward.admit(agency.ID(), joinRequest{Invite: rec.Marshal(), Claim: claim.Marshal(),
		Endorsements: ends})
	return resp, err
}

// FoundHood writes the co-stewards and the quorum into the genesis, with the defaults, and refuses what a
// genesis may not hold.
func TestFoundHood(t *testing.T) {
	n := testNode(t, "Steward A", nil)
	b, c := testNode(t, "B", nil).ID(), testNode(t, "C", nil).ID()
	cases := []struct {
		name       string
		f          Founding
		stewards   int
		wantQuorum uint8 // as stored: 0 for the default of 1
		ok         bool
	}{
		{"alone", Founding{}, 1, 0, true},
		{"one co-steward, default quorum", Founding{CoStewards: []peer.ID{b}}, 2, 2, true},
		{"two co-stewards, quorum 3", Founding{CoStewards: []peer.ID{b, c}, AgencyQuorum: 3}, 3, 3, true},
		{"co-steward, quorum 1", Founding{CoStewards: []peer.ID{b}, AgencyQuorum: 1}, 2, 0, true},
		{"quorum over the stewards", Founding{CoStewards: []peer.ID{b}, AgencyQuorum: 3}, 0, 0, false},
		{"quorum 2 alone", Founding{AgencyQuorum: 2}, 0, 0, false},
		{"negative quorum", Founding{AgencyQuorum: -1}, 0, 0, false},
		{"co-steward twice", Founding{CoStewards: []peer.ID{b, b}}, 0, 0, false},
		{"itself", Founding{CoStewards: []peer.ID{n.ID()}}, 0, 0, false},
		{"not an Ed25519 ID", Founding{CoStewards: []peer.ID{"x"}}, 0, 0, false},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h, err := n.FoundHood(fmt.Sprintf("Street %d", i), tc.f)
			if !tc.ok {
				if !errors.Is(err, ErrInvalid) {
					t.Errorf("FoundHood = %v, want ErrInvalid", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			n.mu.RLock()
			g := n.hoods[h.ID].r.Genesis()
			n.mu.RUnlock()
			if len(g.Stewards) != tc.stewards || g.AgencyQuorum != tc.wantQuorum || !h.Steward {
				t.Errorf("genesis: got %d stewards, quorum %d (steward %v); want %d, %d", len(g.Stewards),
					g.AgencyQuorum, h.Steward, tc.stewards, tc.wantQuorum)
			}
		})
	}
}

// Stewards are named in the genesis: no steward revokes another (one could otherwise undo the quorum), and
// a revocation of one, made by hand and handed around, is refused by every member.
func TestStewardNotRevoked(t *testing.T) {
	ch := startCosignHood(t)
	if err := ch.b.Revoke(ch.hood, ch.a.ID().String()); !errors.Is(err, ErrInvalid) {
		t.Fatalf("co-steward B revokes steward A: got %v, want ErrInvalid", err)
	}
	rec, err := wire.Sign(wire.KindRevocation, &wire.Revocation{Hood: ch.hood, Member: ch.a.pub(),
		Time: time.Now().UnixMilli(), Issuer: ch.b.pub()}, ch.b.cfg.Key)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ch.m.applyRecord(ch.hood, rec); !errors.Is(err, ErrInvalid) {
		t.Fatalf("member M applies a revocation of steward A: got %v, want ErrInvalid", err)
	}
	if !ch.m.isHoodMember(ch.hood, ch.a.ID()) {
		t.Fatal("steward A is no longer a member at M")
	}
	// A household is revoked as before.
	if err := ch.b.Revoke(ch.hood, ch.m.ID().String()); err != nil {
		t.Fatalf("co-steward B revokes member M: %v", err)
	}
}
