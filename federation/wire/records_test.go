package wire_test

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"strings"
	"testing"

	"github.com/porchlight/porchlight/federation/wire"
)

// TestOpenCheckRules breaks one rule of a valid body at a time and expects Open to reject it.
func TestOpenCheckRules(t *testing.T) {
	pub, priv := newKey(t)
	byKind := map[wire.Kind]sample{}
	for _, sm := range samples(pub) {
		byKind[sm.kind] = sm
	}
	long := func(n int) string { return strings.Repeat("x", n+1) }
	other := bytes.Repeat([]byte{3}, ed25519.PublicKeySize) // a well-formed key that is not pub
	const badUTF8 = "\xff\xfe"
	cases := []struct {
		name   string
		kind   wire.Kind
		mutate func(any)
	}{
		{"genesis no stewards", wire.KindGenesis, func(v any) { v.(*wire.Genesis).Stewards = nil }},
		{"genesis 17 stewards", wire.KindGenesis, func(v any) {
			g := v.(*wire.Genesis)
			for i := range 16 { // distinct keys, so only the count is wrong
				g.Stewards = append(g.Stewards, bytes.Repeat([]byte{byte(i)}, ed25519.PublicKeySize))
			}
		}},
		{"genesis short steward", wire.KindGenesis, func(v any) { v.(*wire.Genesis).Stewards = [][]byte{pub[:31]} }},
		{"genesis long name", wire.KindGenesis, func(v any) { v.(*wire.Genesis).Name = long(wire.MaxName) }},
		{"genesis duplicate steward", wire.KindGenesis, func(v any) { v.(*wire.Genesis).Stewards = [][]byte{pub, other, pub} }},
		{"genesis quorum over stewards", wire.KindGenesis, func(v any) { v.(*wire.Genesis).AgencyQuorum = 2 }},
		{"genesis empty name", wire.KindGenesis, func(v any) { v.(*wire.Genesis).Name = "" }},
		{"genesis name not utf8", wire.KindGenesis, func(v any) { v.(*wire.Genesis).Name = badUTF8 }},

		{"cert hood", wire.KindCert, func(v any) { v.(*wire.Cert).Hood = "short" }},
		{"cert member", wire.KindCert, func(v any) { v.(*wire.Cert).Member = nil }},
		{"cert issuer", wire.KindCert, func(v any) { v.(*wire.Cert).Issuer = make([]byte, 33) }},
		{"cert role", wire.KindCert, func(v any) { v.(*wire.Cert).Role = "mayor" }},
		{"cert no invite", wire.KindCert, func(v any) { v.(*wire.Cert).Invite, v.(*wire.Cert).Issuer = nil, other }},
		{"steward cert empty invite", wire.KindCert, func(v any) { v.(*wire.Cert).Invite = []byte{} }}, // h'' is not "no invite"
		{"cert short invite", wire.KindCert, func(v any) { v.(*wire.Cert).Invite = make([]byte, 15) }},
		{"cert long invite", wire.KindCert, func(v any) { v.(*wire.Cert).Invite = make([]byte, 17) }},
		{"steward cert short invite", wire.KindCert, func(v any) { v.(*wire.Cert).Invite = make([]byte, 8) }}, // issuer = member
		{"cert long name", wire.KindCert, func(v any) { v.(*wire.Cert).Name = long(wire.MaxName) }},
		{"cert 17 endorsements", wire.KindCert, func(v any) {
			v.(*wire.Cert).Endorsements = make([][]byte, wire.MaxEndorsements+1)
		}},
		{"household cert endorsements", wire.KindCert, func(v any) {
			c := v.(*wire.Cert)
			c.Role, c.Scope, c.Claim, c.Endorsements = wire.RoleHousehold, nil, nil, [][]byte{{1}}
		}},

		{"endorsement invite", wire.KindEndorsement, func(v any) { v.(*wire.Endorsement).Invite = make([]byte, 15) }},
		{"endorsement hood", wire.KindEndorsement, func(v any) { v.(*wire.Endorsement).Hood = "x" }},
		{"endorsement steward", wire.KindEndorsement, func(v any) { v.(*wire.Endorsement).Steward = pub[:31] }},
		{"endorsement expires", wire.KindEndorsement, func(v any) { v.(*wire.Endorsement).Expires = 0 }},
		{"endorsement recipient", wire.KindEndorsement, func(v any) { v.(*wire.Endorsement).Scope.Recipient = "age1qqqq" }},
		{"endorsement scope caps", wire.KindEndorsement, func(v any) { v.(*wire.Endorsement).Scope.PerDay = 0 }},

		{"revocation neither", wire.KindRevocation, func(v any) { v.(*wire.Revocation).Member = nil }},
		{"revocation both", wire.KindRevocation, func(v any) { v.(*wire.Revocation).Invite = make([]byte, 16) }},
		{"revocation short invite", wire.KindRevocation, func(v any) {
			r := v.(*wire.Revocation)
			r.Member, r.Invite = nil, make([]byte, 15)
		}},
		{"revocation long invite", wire.KindRevocation, func(v any) {
			r := v.(*wire.Revocation)
			r.Member, r.Invite = nil, make([]byte, 17)
		}},
		{"revocation short member", wire.KindRevocation, func(v any) { v.(*wire.Revocation).Member = pub[:5] }},
		{"revocation hood", wire.KindRevocation, func(v any) { v.(*wire.Revocation).Hood = "" }},
		{"revocation issuer", wire.KindRevocation, func(v any) { v.(*wire.Revocation).Issuer = nil }},

		{"invite id", wire.KindInvite, func(v any) { v.(*wire.Invite).ID = make([]byte, 15) }},
		{"invite 17 addrs", wire.KindInvite, func(v any) { v.(*wire.Invite).Addrs = make([]string, wire.MaxAddrs+1) }},
		{"invite long addr", wire.KindInvite, func(v any) { v.(*wire.Invite).Addrs = []string{long(wire.MaxAddr)} }},
		{"invite hood", wire.KindInvite, func(v any) { v.(*wire.Invite).Hood = long(32) }},
		{"invite issuer", wire.KindInvite, func(v any) { v.(*wire.Invite).Issuer = pub[1:] }},
		{"invite role", wire.KindInvite, func(v any) { v.(*wire.Invite).Role = "" }},
		{"invite long hood name", wire.KindInvite, func(v any) { v.(*wire.Invite).HoodName = long(wire.MaxName) }},

		{"claim invite", wire.KindClaim, func(v any) { v.(*wire.Claim).Invite = nil }},
		{"claim hood", wire.KindClaim, func(v any) { v.(*wire.Claim).Hood = "x" }},
		{"claim member", wire.KindClaim, func(v any) { v.(*wire.Claim).Member = make([]byte, 31) }},
		{"claim long name", wire.KindClaim, func(v any) { v.(*wire.Claim).Name = long(wire.MaxName) }},

		{"alert no nonce", wire.KindAlert, func(v any) { v.(*wire.Alert).Nonce = nil }},
		{"alert short nonce", wire.KindAlert, func(v any) { v.(*wire.Alert).Nonce = make([]byte, 7) }},
		{"alert long nonce", wire.KindAlert, func(v any) { v.(*wire.Alert).Nonce = make([]byte, 33) }},
		{"alert empty text", wire.KindAlert, func(v any) { v.(*wire.Alert).Text = "" }},
		{"alert lat", wire.KindAlert, func(v any) { v.(*wire.Alert).Place.Lat = 90e6 + 1 }},
		{"alert lon", wire.KindAlert, func(v any) { v.(*wire.Alert).Place.Lon = -180e6 - 1 }},
		{"alert clip end", wire.KindAlert, func(v any) { v.(*wire.Alert).Clip.End = v.(*wire.Alert).Clip.Start }},
		{"alert clip size", wire.KindAlert, func(v any) { v.(*wire.Alert).Clip.Size = 0 }},
		{"alert clip hash", wire.KindAlert, func(v any) { v.(*wire.Alert).Clip.SHA256 = make([]byte, 20) }},
		{"alert long camera", wire.KindAlert, func(v any) { v.(*wire.Alert).Clip.Camera = long(wire.MaxName) }},
		{"alert hood", wire.KindAlert, func(v any) { v.(*wire.Alert).Hood = "" }},
		{"alert author", wire.KindAlert, func(v any) { v.(*wire.Alert).Author = nil }},
		{"alert long text", wire.KindAlert, func(v any) { v.(*wire.Alert).Text = long(wire.MaxText) }},
		{"alert text not utf8", wire.KindAlert, func(v any) { v.(*wire.Alert).Text = badUTF8 }},
		{"alert long category", wire.KindAlert, func(v any) { v.(*wire.Alert).Category = long(wire.MaxCategory) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			// A fresh valid body each time: the mutations write through pointers.
			var sm sample
			for _, s := range samples(pub) {
				if s.kind == c.kind {
					sm = s
				}
			}
			c.mutate(sm.body)
			s := sign(t, c.kind, sm.body, priv)
			if _, err := sm.open(s); !errors.Is(err, wire.ErrMalformed) {
				t.Errorf("Open = %v, want ErrMalformed", err)
			}
		})
	}
	// The unbroken samples open, so each case above fails for its own reason.
	for k, sm := range byKind {
		if _, err := sm.open(sign(t, k, sm.body, priv)); err != nil {
			t.Errorf("valid %s: Open = %v", k, err)
		}
	}
}

// TestOpenAcceptsEdges checks the valid side of each rule's boundary, so the rules above are no wider
// than they should be.
func TestOpenAcceptsEdges(t *testing.T) {
	pub, priv := newKey(t)
	other := bytes.Repeat([]byte{3}, ed25519.PublicKeySize)
	cases := []struct {
		name   string
		kind   wire.Kind
		mutate func(any)
	}{
		{"genesis two stewards", wire.KindGenesis, func(v any) { v.(*wire.Genesis).Stewards = [][]byte{pub, other} }},
		{"genesis 16 stewards", wire.KindGenesis, func(v any) {
			g := v.(*wire.Genesis)
			for i := range 15 {
				g.Stewards = append(g.Stewards, bytes.Repeat([]byte{byte(i)}, ed25519.PublicKeySize))
			}
		}},
		{"genesis quorum of all stewards", wire.KindGenesis, func(v any) {
			g := v.(*wire.Genesis)
			g.Stewards, g.AgencyQuorum = [][]byte{pub, other}, 2
		}},
		{"agency cert 16 endorsements", wire.KindCert, func(v any) {
			v.(*wire.Cert).Endorsements = make([][]byte, wire.MaxEndorsements)
		}},
		{"genesis one-byte name", wire.KindGenesis, func(v any) { v.(*wire.Genesis).Name = "x" }},
		// A steward admits itself when founding a hood: no invite was ever issued for that.
		{"steward's own cert", wire.KindCert, func(v any) { v.(*wire.Cert).Invite = nil }},
		{"cert by another steward", wire.KindCert, func(v any) { v.(*wire.Cert).Issuer = other }},
		{"revocation of an invite", wire.KindRevocation, func(v any) {
			r := v.(*wire.Revocation)
			r.Member, r.Invite = nil, make([]byte, 16)
		}},
		{"alert 8-byte nonce", wire.KindAlert, func(v any) { v.(*wire.Alert).Nonce = make([]byte, 8) }},
		{"alert 32-byte nonce", wire.KindAlert, func(v any) { v.(*wire.Alert).Nonce = make([]byte, 32) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var sm sample
			for _, s := range samples(pub) {
				if s.kind == c.kind {
					sm = s
				}
			}
			c.mutate(sm.body)
			if _, err := sm.open(sign(t, c.kind, sm.body, priv)); err != nil {
				t.Errorf("Open = %v, want nil", err)
			}
		})
	}
}

func TestOpenRejectsBadBodyEncoding(t *testing.T) {
	pub, priv := newKey(t)
	sm := samples(pub)[2] // revocation
	s := sign(t, sm.kind, sm.body, priv)
	cases := map[string][]byte{
		"unknown field":    append([]byte{0xa1, 0x18, 0x63}, 0x01), // {99: 1}
		"trailing garbage": append(append([]byte{}, s.Body...), 0x00),
		"wrong type":       {0xa1, 0x01, 0x01}, // {1: 1}: hood must be text
		"not a map":        {0x01},
	}
	for name, body := range cases {
		t.Run(name, func(t *testing.T) {
			bad := s
			bad.Body = body
			if _, err := sm.open(bad); !errors.Is(err, wire.ErrMalformed) {
				t.Errorf("Open = %v, want ErrMalformed", err)
			}
		})
	}
}
