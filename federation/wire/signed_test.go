package wire_test

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"strings"
	"testing"

	"github.com/fxamacker/cbor/v2"

	"github.com/porchlight/porchlight/federation/wire"
)

// sample is one valid body per kind, with a way to open a record into a fresh body of that kind.
type sample struct {
	kind wire.Kind
	body any
	open func(wire.Signed) (any, error)
}

func opener[T any](k wire.Kind, open func(wire.Signed, *T) error) func(wire.Signed) (any, error) {
	return func(s wire.Signed) (any, error) {
		v := new(T)
		err := open(s, v)
		return v, err
	}
}

// samples returns a valid body of every kind; pub is used wherever a body names a key.
func samples(pub ed25519.PublicKey) []sample {
	hood := strings.Repeat("h", 32)
	id := bytes.Repeat([]byte{7}, 16)
	scope := wire.Scope{Area: wire.Area{Center: wire.Place{Lat: 40_712_800, Lon: -74_006_000}, Radius: 2000},
		MaxArea: 1_294_994, MaxWindow: 12 * 3600_000, PerDay: 10, Expires: 7, Recipient: "age1qqqq"}
	return []sample{
		{wire.KindGenesis, &wire.Genesis{Name: "Elm St", Stewards: [][]byte{pub}, Created: 1, Nonce: []byte{1, 2}},
			opener(wire.KindGenesis, func(s wire.Signed, v *wire.Genesis) error { return s.Open(wire.KindGenesis, v) })},
		{wire.KindCert, &wire.Cert{Hood: hood, Member: pub, Role: wire.RoleHousehold, Name: "Ann", Issued: 2, Invite: id, Issuer: pub},
			opener(wire.KindCert, func(s wire.Signed, v *wire.Cert) error { return s.Open(wire.KindCert, v) })},
		{wire.KindRevocation, &wire.Revocation{Hood: hood, Member: pub, Time: 3, Issuer: pub},
			opener(wire.KindRevocation, func(s wire.Signed, v *wire.Revocation) error { return s.Open(wire.KindRevocation, v) })},
		{wire.KindInvite, &wire.Invite{Hood: hood, HoodName: "Elm St", ID: id, Role: wire.RoleAgency, Expires: 4, Issuer: pub,
			Addrs: []string{"/ip4/127.0.0.1/tcp/4001/p2p/x"}},
			opener(wire.KindInvite, func(s wire.Signed, v *wire.Invite) error { return s.Open(wire.KindInvite, v) })},
		{wire.KindClaim, &wire.Claim{Hood: hood, Invite: id, Member: pub, Name: "Bo", Time: 5},
			opener(wire.KindClaim, func(s wire.Signed, v *wire.Claim) error { return s.Open(wire.KindClaim, v) })},
		{wire.KindAlert, &wire.Alert{Hood: hood, Author: pub, Time: 6, Category: "suspicious", Text: "van idling",
			Place: &wire.Place{Lat: 40_700_000, Lon: -74_000_000},
			Clip:  &wire.ClipRef{Camera: "porch", Start: 1, End: 2, Size: 3, SHA256: make([]byte, 32)}, Nonce: bytes.Repeat([]byte{9}, 8)},
			opener(wire.KindAlert, func(s wire.Signed, v *wire.Alert) error { return s.Open(wire.KindAlert, v) })},
		{wire.KindCert, &wire.Cert{Hood: hood, Member: pub, Role: wire.RoleAgency, Name: "Springfield PD", Issued: 2,
			Invite: id, Issuer: pub, Scope: &scope, Claim: []byte{1}},
			opener(wire.KindCert, func(s wire.Signed, v *wire.Cert) error { return s.Open(wire.KindCert, v) })},
		{wire.KindRequest, &wire.Request{Hood: hood, Agency: pub, Case: "2026-1142", Category: "theft",
			Reason: "package theft on Elm", Area: wire.Area{Center: wire.Place{Lat: 40_712_800, Lon: -74_006_000},
				Radius: 200, Polygon: []wire.Place{{Lat: 1, Lon: 1}, {Lat: 2, Lon: 1}, {Lat: 2, Lon: 2}}},
			Start: 1, End: 2, Expires: 9, Contact: "det. Ruiz, 555-0100", Time: 3, Nonce: bytes.Repeat([]byte{3}, 8)},
			opener(wire.KindRequest, func(s wire.Signed, v *wire.Request) error { return s.Open(wire.KindRequest, v) })},
		{wire.KindNotice, &wire.Notice{Request: []byte{1}, Index: 4, Checkpoint: []byte("log\n5\nhash\n"), Proof: make([]byte, 64)},
			opener(wire.KindNotice, func(s wire.Signed, v *wire.Notice) error { return s.Open(wire.KindNotice, v) })},
		{wire.KindApproval, &wire.Approval{Hood: hood, Request: strings.Repeat("r", 32), Owner: pub, Recipient: pub,
			Camera: "porch", Start: 1, End: 2, Size: 3, SHA256: make([]byte, 32), CipherSize: 4,
			CipherSHA256: make([]byte, 32), Note: "the van at 14:10", Time: 5},
			opener(wire.KindApproval, func(s wire.Signed, v *wire.Approval) error { return s.Open(wire.KindApproval, v) })},
		{wire.KindReceipt, &wire.Receipt{Approval: strings.Repeat("a", 32), Request: strings.Repeat("r", 32),
			SHA256: make([]byte, 32), Time: 6, Agency: pub},
			opener(wire.KindReceipt, func(s wire.Signed, v *wire.Receipt) error { return s.Open(wire.KindReceipt, v) })},
		{wire.KindEndorsement, &wire.Endorsement{Hood: hood, Invite: id, Scope: inviteScope(scope), Expires: 4, Steward: pub},
			opener(wire.KindEndorsement, func(s wire.Signed, v *wire.Endorsement) error { return s.Open(wire.KindEndorsement, v) })},
	}
}

// inviteScope is s as an invite carries it: without the agency's recipient.
func inviteScope(s wire.Scope) wire.Scope {
	s.Recipient = ""
	return s
}

func newKey(t testing.TB) (ed25519.PublicKey, ed25519.PrivateKey) {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	return pub, priv
}

func sign(t testing.TB, k wire.Kind, body any, priv ed25519.PrivateKey) wire.Signed {
	t.Helper()
	s, err := wire.Sign(k, body, priv)
	if err != nil {
		t.Fatalf("Sign(%s): %v", k, err)
	}
	return s
}

func TestSignVerifyOpenRoundTrip(t *testing.T) {
	pub, priv := newKey(t)
	for _, sm := range samples(pub) {
		t.Run(sm.kind.String(), func(t *testing.T) {
			s, err := wire.Decode(sign(t, sm.kind, sm.body, priv).Marshal())
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if err := s.Verify(pub); err != nil {
				t.Fatalf("Verify: %v", err)
			}
			got, err := sm.open(s)
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			// Compare through the encoding: bodies hold byte slices and pointers.
			gb, _ := wire.Marshal(got)
			wb, _ := wire.Marshal(sm.body)
			if !bytes.Equal(gb, wb) {
				t.Errorf("opened body = %+v, want %+v", got, sm.body)
			}
			other, _ := newKey(t)
			if err := s.Verify(other); !errors.Is(err, wire.ErrBadSignature) {
				t.Errorf("Verify(other key) = %v, want ErrBadSignature", err)
			}
		})
	}
}

func TestVerifyDomainSeparation(t *testing.T) {
	pub, priv := newKey(t)
	for _, sm := range samples(pub) {
		s := sign(t, sm.kind, sm.body, priv)
		for k := wire.KindGenesis; k <= wire.KindAlert+1; k++ {
			if k == sm.kind {
				continue
			}
			moved := s
			moved.Kind = k
			if err := moved.Verify(pub); !errors.Is(err, wire.ErrBadSignature) {
				t.Errorf("%s signature relabelled as %s: Verify = %v, want ErrBadSignature", sm.kind, k, err)
			}
		}
	}
}

func TestVerifyTampered(t *testing.T) {
	pub, priv := newKey(t)
	for _, sm := range samples(pub) {
		s := sign(t, sm.kind, sm.body, priv)
		for i := range s.Body {
			bad := s
			bad.Body = bytes.Clone(s.Body)
			bad.Body[i] ^= 0x01
			if err := bad.Verify(pub); !errors.Is(err, wire.ErrBadSignature) {
				t.Fatalf("%s body byte %d flipped: Verify = %v, want ErrBadSignature", sm.kind, i, err)
			}
		}
		bad := s
		bad.Sig = bytes.Clone(s.Sig)
		bad.Sig[10] ^= 0x80
		if err := bad.Verify(pub); !errors.Is(err, wire.ErrBadSignature) {
			t.Errorf("%s sig byte flipped: Verify = %v, want ErrBadSignature", sm.kind, err)
		}
		for _, n := range []int{0, 63, 65} {
			bad.Sig = make([]byte, n)
			if err := bad.Verify(pub); !errors.Is(err, wire.ErrBadSignature) {
				t.Errorf("%s sig of %d bytes: Verify = %v, want ErrBadSignature", sm.kind, n, err)
			}
		}
		if err := s.Verify(pub[:31]); !errors.Is(err, wire.ErrBadSignature) {
			t.Errorf("%s short key: Verify = %v, want ErrBadSignature", sm.kind, err)
		}
	}
}

func mustCBOR(t *testing.T, v any) []byte {
	t.Helper()
	b, err := cbor.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDecodeRejects(t *testing.T) {
	sig := make([]byte, 64)
	// A record with a body that fills MaxRecord exactly once framed is over the limit.
	big := mustCBOR(t, map[int]any{1: 1, 2: 1, 3: make([]byte, wire.MaxRecord), 4: sig})
	cases := []struct {
		name string
		in   []byte
		want error
	}{
		{"oversize", big, wire.ErrOversize},
		{"oversize zeros", make([]byte, wire.MaxRecord+1), wire.ErrOversize},
		{"version 2", mustCBOR(t, map[int]any{1: 2, 2: 1, 3: []byte{0xa0}, 4: sig}), wire.ErrVersion},
		{"version 0", mustCBOR(t, map[int]any{1: 0, 2: 1, 3: []byte{0xa0}, 4: sig}), wire.ErrVersion},
		{"unknown field", mustCBOR(t, map[int]any{1: 1, 2: 1, 3: []byte{0xa0}, 4: sig, 5: 0}), wire.ErrMalformed},
		// {1:1, 2:1, 3:h'a0', 4:h'', 1:1}
		{"duplicate key", []byte{0xa5, 0x01, 0x01, 0x02, 0x01, 0x03, 0x41, 0xa0, 0x04, 0x40, 0x01, 0x01}, wire.ErrMalformed},
		{"trailing garbage", append(mustCBOR(t, map[int]any{1: 1, 2: 1, 3: []byte{0xa0}, 4: sig}), 0x00), wire.ErrMalformed},
		// {_ 1:1, 2:1, 3:h'a0', 4:h''}
		{"indefinite map", []byte{0xbf, 0x01, 0x01, 0x02, 0x01, 0x03, 0x41, 0xa0, 0x04, 0x40, 0xff}, wire.ErrMalformed},
		// {1:1, 2:1, 3:(_ h'a0'), 4:h''}
		{"indefinite body", []byte{0xa4, 0x01, 0x01, 0x02, 0x01, 0x03, 0x5f, 0x41, 0xa0, 0xff, 0x04, 0x40}, wire.ErrMalformed},
		{"kind 0", mustCBOR(t, map[int]any{1: 1, 2: 0, 3: []byte{0xa0}, 4: sig}), wire.ErrMalformed},
		{"kind 12", mustCBOR(t, map[int]any{1: 1, 2: 12, 3: []byte{0xa0}, 4: sig}), wire.ErrMalformed},
		{"kind 256", mustCBOR(t, map[int]any{1: 1, 2: 256, 3: []byte{0xa0}, 4: sig}), wire.ErrMalformed},
		{"empty body", mustCBOR(t, map[int]any{1: 1, 2: 1, 3: []byte{}, 4: sig}), wire.ErrMalformed},
		{"body as text", mustCBOR(t, map[int]any{1: 1, 2: 1, 3: "a0", 4: sig}), wire.ErrMalformed},
		{"not a map", mustCBOR(t, []int{1, 1}), wire.ErrMalformed},
		{"truncated", mustCBOR(t, map[int]any{1: 1, 2: 1, 3: []byte{0xa0}, 4: sig})[:10], wire.ErrMalformed},
		{"empty", nil, wire.ErrMalformed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := wire.Decode(c.in)
			if !errors.Is(err, c.want) {
				t.Errorf("Decode = %v, want %v", err, c.want)
			}
		})
	}
}

func TestOpenWrongKind(t *testing.T) {
	pub, priv := newKey(t)
	s := sign(t, wire.KindClaim, samples(pub)[4].body, priv)
	var inv wire.Invite
	if err := s.Open(wire.KindInvite, &inv); !errors.Is(err, wire.ErrWrongKind) {
		t.Errorf("Open(claim as invite) = %v, want ErrWrongKind", err)
	}
}

func TestID(t *testing.T) {
	pub, priv := newKey(t)
	sm := samples(pub)[1]
	a := sign(t, sm.kind, sm.body, priv)
	b := sign(t, sm.kind, sm.body, priv)
	if a.ID() != b.ID() || len(a.ID()) != 32 {
		t.Errorf("ID = %q then %q, want the same 32 hex chars", a.ID(), b.ID())
	}
	d, err := wire.Decode(a.Marshal())
	if err != nil {
		t.Fatal(err)
	}
	if d.ID() != a.ID() {
		t.Errorf("ID after decode = %q, want %q", d.ID(), a.ID())
	}
	relabelled := a
	relabelled.Kind = wire.KindAlert
	if relabelled.ID() == a.ID() {
		t.Errorf("same body as cert and alert: both IDs %q, want different", a.ID())
	}
	resigned := a
	resigned.Sig = make([]byte, 64)
	if resigned.ID() != a.ID() {
		t.Errorf("ID depends on the signature: %q vs %q", resigned.ID(), a.ID())
	}
}
