package roster

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/porchlight/porchlight/federation/wire"
)

// elm is an agency scope of 2 km around Elm Street.
var elm = Scope{Lat: 40.71280, Lon: -74.00600, Radius: 2000}

// hood is a roster founded by steward S, with the keys of the nodes the tests certify.
type hood struct {
	t    *testing.T
	r    *Roster
	keys map[string]ed25519.PrivateKey
}

func newHood(t *testing.T, stewards ...string) *hood {
	t.Helper()
	h := &hood{t: t, keys: map[string]ed25519.PrivateKey{}}
	var pubs [][]byte
	for _, s := range stewards {
		pubs = append(pubs, h.pub(s))
	}
	g, err := wire.Sign(wire.KindGenesis, &wire.Genesis{Name: "Elm Street", Stewards: pubs, Created: 1, Nonce: []byte{1}},
		h.keys[stewards[0]])
	if err != nil {
		t.Fatal(err)
	}
	if h.r, err = New(g); err != nil {
		t.Fatal(err)
	}
	return h
}

// iid is an invite ID named by a string.
func iid(name string) []byte {
	sum := sha256.Sum256([]byte(name))
	return sum[:16]
}

func (h *hood) key(name string) ed25519.PrivateKey {
	if h.keys[name] == nil {
		_, h.keys[name], _ = ed25519.GenerateKey(rand.Reader)
	}
	return h.keys[name]
}

func (h *hood) pub(name string) []byte { return h.key(name).Public().(ed25519.PublicKey) }

func (h *hood) id(name string) peer.ID {
	p, err := PeerOf(h.pub(name))
	if err != nil {
		h.t.Fatal(err)
	}
	return p
}

// cert is a certificate for member, issued by issuer at issued (unix ms) for invite.
func (h *hood) cert(issuer, member string, invite []byte, issued int64, edit func(*wire.Cert)) wire.Signed {
	c := wire.Cert{Hood: h.r.ID(), Member: h.pub(member), Role: wire.RoleHousehold, Name: member, Issued: issued,
		Invite: invite, Issuer: h.pub(issuer)}
	if edit != nil {
		edit(&c)
	}
	rec, err := wire.Sign(wire.KindCert, &c, h.key(issuer))
	if err != nil {
		h.t.Fatal(err)
	}
	return rec
}

func (h *hood) revoke(issuer, member string) wire.Signed {
	rec, err := wire.Sign(wire.KindRevocation, &wire.Revocation{Hood: h.r.ID(), Member: h.pub(member), Time: 5,
		Issuer: h.pub(issuer)}, h.key(issuer))
	if err != nil {
		h.t.Fatal(err)
	}
	return rec
}

// Each invite admits one member: of two certificates for one invite the earlier wins, in whichever order
// they arrive; a revoked member is inactive; a steward cannot be revoked; only stewards certify.
func TestApply(t *testing.T) {
	inv := iid("inv")
	for _, order := range []string{"early first", "late first"} {
		t.Run(order, func(t *testing.T) {
			h := newHood(t, "S")
			early, late := h.cert("S", "A", inv, 10, nil), h.cert("S", "B", inv, 20, nil)
			first, second := early, late
			if order == "late first" {
				first, second = late, early
			}
			if changed, err := h.r.Apply(first); !changed || err != nil {
				t.Fatalf("first certificate: changed %v, %v", changed, err)
			}
			_, err := h.r.Apply(second)
			if order == "early first" && !errors.Is(err, ErrInviteUsed) {
				t.Fatalf("the later claim: got %v, want ErrInviteUsed", err)
			}
			if !h.r.Active(h.id("A")) || h.r.Active(h.id("B")) {
				t.Fatalf("A active %v, B active %v: want the earlier claim, A, only", h.r.Active(h.id("A")), h.r.Active(h.id("B")))
			}
		})
	}

	h := newHood(t, "S", "T")
	rec := h.cert("S", "A", iid("a"), 1, nil)
	h.r.Apply(rec)
	if changed, err := h.r.Apply(rec); changed || err != nil || !h.r.Known(rec.ID()) {
		t.Fatalf("a repeat: changed %v, %v; want a known no-op", changed, err)
	}
	if _, err := h.r.Apply(h.cert("A", "M", iid("m"), 1, nil)); !errors.Is(err, ErrNotSteward) {
		t.Errorf("a certificate by a member: got %v, want ErrNotSteward", err)
	}
	if _, err := h.r.Apply(h.revoke("S", "T")); !errors.Is(err, ErrInvalid) {
		t.Errorf("revoking steward T: got %v, want ErrInvalid", err)
	}
	if changed, err := h.r.Apply(h.revoke("T", "A")); !changed || err != nil || h.r.Active(h.id("A")) || !h.r.Revoked(h.id("A")) {
		t.Errorf("co-steward T revokes A: changed %v, %v; A active %v", changed, err, h.r.Active(h.id("A")))
	}
	if _, ok := h.r.Member(h.id("A")); !ok {
		t.Error("a revoked member left the roster: it stays, marked revoked")
	}
	genesis, _ := wire.Sign(wire.KindGenesis, &wire.Genesis{Name: "x", Stewards: [][]byte{h.pub("S")}}, h.key("S"))
	if _, err := h.r.Apply(genesis); !errors.Is(err, ErrInvalid) {
		t.Errorf("a genesis as a roster record: got %v, want ErrInvalid", err)
	}
	if got := len(h.r.Records()); got != 2 {
		t.Errorf("Records: got %d, want A's certificate and its revocation", got)
	}
}

// An agency's credential is refused, under a reason a home counts, until it is an active agency with a
// scope that enough stewards signed.
func TestCredential(t *testing.T) {
	h := newHood(t, "S")
	ws, err := elm.Wire(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	agency := func(member string, edit func(*wire.Cert)) {
		claim, err := wire.Sign(wire.KindClaim, &wire.Claim{Hood: h.r.ID(), Invite: iid(member), Member: h.pub(member),
			Name: member, Recipient: "age1x"}, h.key(member))
		if err != nil {
			t.Fatal(err)
		}
		sc := ws
		sc.Recipient = "age1x"
		if _, err := h.r.Apply(h.cert("S", member, iid(member), 1, func(c *wire.Cert) {
			c.Role, c.Scope, c.Claim = wire.RoleAgency, &sc, claim.Marshal()
			if edit != nil {
				edit(c)
			}
		})); err != nil {
			t.Fatal(err)
		}
	}
	agency("PD", nil)
	agency("Gone", nil)
	h.r.Apply(h.revoke("S", "Gone"))
	h.r.Apply(h.cert("S", "Home", iid("home"), 1, nil))
	for _, tc := range []struct{ who, reason string }{
		{"PD", ""}, {"Gone", "revoked"}, {"Home", "not-agency"}, {"Stranger", "not-member"},
	} {
		c, err := h.r.Credential(h.id(tc.who))
		var ref *Refusal
		switch {
		case tc.reason == "" && (err != nil || c.Scope == nil):
			t.Errorf("%s: got %v, want its credential", tc.who, err)
		case tc.reason != "" && (!errors.As(err, &ref) || ref.Reason != tc.reason):
			t.Errorf("%s: got %v, want a refusal for %s", tc.who, err, tc.reason)
		}
	}
}

// CheckRequest holds a request to its scope's area and caps and to the past.
func TestCheckRequest(t *testing.T) {
	ws, err := elm.Wire(time.Unix(0, 0).Add(1000 * time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	now := int64(500 * time.Hour / time.Millisecond)
	ok := wire.Request{Area: wire.Area{Center: Microdegrees(40.7129, -74.0061), Radius: 150}, Start: now - 3_600_000,
		End: now - 1_800_000, Time: now, Expires: now + 3_600_000}
	for _, tc := range []struct {
		name, reason string
		edit         func(*wire.Request)
	}{
		{"within the scope", "", nil},
		{"outside the scope", "scope", func(r *wire.Request) { r.Area.Center = Microdegrees(40.8, -74.0) }},
		{"over the area cap", "area-cap", func(r *wire.Request) { r.Area.Radius = 1000 }},
		{"over the window cap", "window-cap", func(r *wire.Request) { r.Start = r.End - 13*3_600_000 }},
		{"footage too old", "window-cap", func(r *wire.Request) { r.Start = r.Time - MaxFootageAge.Milliseconds() - 1 }},
		{"footage of the future", "future-window", func(r *wire.Request) { r.End = r.Time + 10*60_000 }},
		{"open too long", "malformed", func(r *wire.Request) { r.Expires = r.Time + MaxRequestLife.Milliseconds() + 1 }},
		{"no area", "malformed", func(r *wire.Request) { r.Area.Radius = 0 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := ok
			if tc.edit != nil {
				tc.edit(&r)
			}
			err := CheckRequest(&r, ws)
			var ref *Refusal
			if tc.reason == "" && err != nil || tc.reason != "" && (!errors.As(err, &ref) || ref.Reason != tc.reason) {
				t.Errorf("got %v, want reason %q", err, tc.reason)
			}
		})
	}
}

// A claim is the claimant's, of this steward's invite, over the claimant's own connection; an agency's
// names its encryption key, which the scope then carries.
func TestOpenClaim(t *testing.T) {
	h := newHood(t, "S")
	ws, _ := elm.Wire(time.Now())
	sign := func(kind wire.Kind, body any, key ed25519.PrivateKey) []byte {
		rec, err := wire.Sign(kind, body, key)
		if err != nil {
			t.Fatal(err)
		}
		return rec.Marshal()
	}
	inv := wire.Invite{Hood: h.r.ID(), ID: []byte("0123456789abcdef"), Role: wire.RoleAgency, Expires: 1, Issuer: h.pub("S"), Scope: &ws}
	claim := wire.Claim{Hood: h.r.ID(), Invite: inv.ID, Member: h.pub("PD"), Name: "PD", Recipient: "age1x"}
	invite := sign(wire.KindInvite, &inv, h.key("S"))
	if _, _, sc, err := OpenClaim(invite, sign(wire.KindClaim, &claim, h.key("PD")), h.pub("S"), h.id("PD")); err != nil ||
		sc == nil || sc.Recipient != "age1x" {
		t.Fatalf("the agency's claim: scope %+v, %v", sc, err)
	}
	noKey := claim
	noKey.Recipient = ""
	otherHood := claim
	otherHood.Hood = "x"
	for _, tc := range []struct {
		name                  string
		invite, claim, issuer []byte
		remote                peer.ID
	}{
		{"another steward's invite", invite, sign(wire.KindClaim, &claim, h.key("PD")), h.pub("T"), h.id("PD")},
		{"over another connection", invite, sign(wire.KindClaim, &claim, h.key("PD")), h.pub("S"), h.id("X")},
		{"signed by another key", invite, sign(wire.KindClaim, &claim, h.key("X")), h.pub("S"), h.id("PD")},
		{"of another hood", invite, sign(wire.KindClaim, &otherHood, h.key("PD")), h.pub("S"), h.id("PD")},
		{"no encryption key", invite, sign(wire.KindClaim, &noKey, h.key("PD")), h.pub("S"), h.id("PD")},
	} {
		if _, _, _, err := OpenClaim(tc.invite, tc.claim, tc.issuer, tc.remote); err == nil {
			t.Errorf("%s: accepted", tc.name)
		}
	}
}
