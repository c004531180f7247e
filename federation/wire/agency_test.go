package wire_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/porchlight/porchlight/federation/wire"
)

// Agency records that are well formed but break a rule of their shape are refused on Open.
func TestAgencyRecordsRefused(t *testing.T) {
	pub, priv := newKey(t)
	hood := strings.Repeat("h", 32)
	scope := func() *wire.Scope {
		return &wire.Scope{Area: wire.Area{Center: wire.Place{Lat: 1, Lon: 1}, Radius: 100}, MaxArea: 1,
			MaxWindow: 1, PerDay: 1, Expires: 1, Recipient: "age1xyz"}
	}
	request := func(edit func(*wire.Request)) *wire.Request {
		r := &wire.Request{Hood: hood, Agency: pub, Case: "c", Reason: "r",
			Area: wire.Area{Center: wire.Place{Lat: 1, Lon: 1}, Radius: 100}, Start: 1, End: 2, Expires: 4, Time: 3,
			Nonce: bytes.Repeat([]byte{1}, 8)}
		edit(r)
		return r
	}
	cases := []struct {
		name string
		kind wire.Kind
		body any
		open func(wire.Signed) error
	}{
		{"household cert with a scope", wire.KindCert,
			&wire.Cert{Hood: hood, Member: pub, Role: wire.RoleHousehold, Name: "n", Invite: make([]byte, 16), Issuer: pub, Scope: scope()},
			func(s wire.Signed) error { return s.Open(wire.KindCert, new(wire.Cert)) }},
		{"agency cert scope without recipient", wire.KindCert,
			&wire.Cert{Hood: hood, Member: pub, Role: wire.RoleAgency, Name: "n", Invite: make([]byte, 16), Issuer: pub,
				Scope: func() *wire.Scope { s := scope(); s.Recipient = ""; return s }(), Claim: []byte{1}},
			func(s wire.Signed) error { return s.Open(wire.KindCert, new(wire.Cert)) }},
		{"agency cert scope without the agency's claim", wire.KindCert,
			&wire.Cert{Hood: hood, Member: pub, Role: wire.RoleAgency, Name: "n", Invite: make([]byte, 16), Issuer: pub,
				Scope: scope()},
			func(s wire.Signed) error { return s.Open(wire.KindCert, new(wire.Cert)) }},
		{"scope with zero caps", wire.KindCert,
			&wire.Cert{Hood: hood, Member: pub, Role: wire.RoleAgency, Name: "n", Invite: make([]byte, 16), Issuer: pub,
				Scope: func() *wire.Scope { s := scope(); s.PerDay = 0; return s }(), Claim: []byte{1}},
			func(s wire.Signed) error { return s.Open(wire.KindCert, new(wire.Cert)) }},
		{"invite scope with a recipient", wire.KindInvite,
			&wire.Invite{Hood: hood, HoodName: "h", ID: make([]byte, 16), Role: wire.RoleAgency, Expires: 1, Issuer: pub, Scope: scope()},
			func(s wire.Signed) error { return s.Open(wire.KindInvite, new(wire.Invite)) }},
		{"request without case", wire.KindRequest, request(func(r *wire.Request) { r.Case = "" }),
			func(s wire.Signed) error { return s.Open(wire.KindRequest, new(wire.Request)) }},
		{"request window backwards", wire.KindRequest, request(func(r *wire.Request) { r.End = r.Start }),
			func(s wire.Signed) error { return s.Open(wire.KindRequest, new(wire.Request)) }},
		{"request radius zero", wire.KindRequest, request(func(r *wire.Request) { r.Area.Radius = 0 }),
			func(s wire.Signed) error { return s.Open(wire.KindRequest, new(wire.Request)) }},
		{"request polygon of two", wire.KindRequest, request(func(r *wire.Request) { r.Area.Polygon = make([]wire.Place, 2) }),
			func(s wire.Signed) error { return s.Open(wire.KindRequest, new(wire.Request)) }},
		{"request place off the globe", wire.KindRequest, request(func(r *wire.Request) { r.Area.Center.Lat = 91e6 }),
			func(s wire.Signed) error { return s.Open(wire.KindRequest, new(wire.Request)) }},
		{"notice with a ragged proof", wire.KindNotice, &wire.Notice{Request: []byte{1}, Checkpoint: []byte{1}, Proof: make([]byte, 33)},
			func(s wire.Signed) error { return s.Open(wire.KindNotice, new(wire.Notice)) }},
		{"approval without hash", wire.KindApproval,
			&wire.Approval{Hood: hood, Request: strings.Repeat("r", 32), Owner: pub, Recipient: pub, Camera: "c", Start: 1, End: 2,
				Size: 1, CipherSize: 1, CipherSHA256: make([]byte, 32)},
			func(s wire.Signed) error { return s.Open(wire.KindApproval, new(wire.Approval)) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.open(sign(t, c.kind, c.body, priv))
			if !errors.Is(err, wire.ErrMalformed) {
				t.Fatalf("Open = %v, want malformed", err)
			}
		})
	}
}

func TestLogEntryRefused(t *testing.T) {
	for _, e := range []wire.LogEntry{
		{Kind: "vote"},
		{Kind: wire.EntryRequest},
		{Kind: wire.EntrySubmission, Request: strings.Repeat("r", 32)},
		{Kind: wire.EntryClose, Request: "short"},
	} {
		b, _ := wire.Marshal(e)
		if _, err := wire.DecodeLogEntry(b); !errors.Is(err, wire.ErrMalformed) {
			t.Errorf("DecodeLogEntry(%+v) = %v, want malformed", e, err)
		}
	}
}
