package wire_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/porchlight/porchlight/federation/wire"
)

// FuzzDecode feeds peer-supplied bytes through Decode and every Open: nothing may panic, and a record that
// decodes must survive a re-encode unchanged.
func FuzzDecode(f *testing.F) {
	pub, priv := newKey(f)
	all := samples(pub)
	for _, sm := range all {
		f.Add(sign(f, sm.kind, sm.body, priv).Marshal())
	}
	f.Add([]byte{0xa4, 0x01, 0x01, 0x02, 0x01, 0x03, 0x41, 0xa0, 0x04, 0x40})
	f.Add([]byte{0xbf, 0x01, 0x01, 0xff})
	f.Fuzz(func(t *testing.T, in []byte) {
		s, err := wire.Decode(in)
		if err != nil {
			return
		}
		again, err := wire.Decode(s.Marshal())
		if err != nil {
			t.Fatalf("re-encoded record does not decode: %v", err)
		}
		if again.V != s.V || again.Kind != s.Kind || !bytes.Equal(again.Body, s.Body) || !bytes.Equal(again.Sig, s.Sig) {
			t.Fatalf("re-decoded %+v, want %+v", again, s)
		}
		if again.ID() != s.ID() {
			t.Fatalf("ID changed on re-encode: %q, want %q", again.ID(), s.ID())
		}
		_ = s.Verify(pub)
		opened := 0
		for _, sm := range all {
			v, err := sm.open(s)
			if err != nil {
				continue
			}
			opened++
			if sm.kind != s.Kind {
				t.Fatalf("%s record opened as %s", s.Kind, sm.kind)
			}
			if _, err := wire.Marshal(v); err != nil {
				t.Fatalf("opened %s body does not re-encode: %v", sm.kind, err)
			}
		}
		if opened > 1 {
			t.Fatalf("record opened as %d kinds", opened)
		}
	})
}

// FuzzParseInviteCode feeds text a person pasted or scanned: nothing may panic, and an accepted code is a
// correctly signed invite that renders back to an equivalent code.
func FuzzParseInviteCode(f *testing.F) {
	pub, priv := newKey(f)
	code := wire.InviteCode(sign(f, wire.KindInvite, samples(pub)[3].body, priv))
	f.Add(code)
	f.Add(strings.ToLower(code))
	f.Add(code[:20] + "\n " + code[20:])
	f.Add(wire.InvitePrefix)
	f.Add("PL1-AAAA")
	f.Fuzz(func(t *testing.T, in string) {
		s, inv, err := wire.ParseInviteCode(in)
		if err != nil {
			return
		}
		if s.Kind != wire.KindInvite {
			t.Fatalf("accepted a %s record", s.Kind)
		}
		if err := s.Verify(inv.Issuer); err != nil {
			t.Fatalf("accepted an invite whose issuer did not sign it: %v", err)
		}
		s2, _, err := wire.ParseInviteCode(wire.InviteCode(s))
		if err != nil {
			t.Fatalf("re-rendered code does not parse: %v", err)
		}
		if s2.ID() != s.ID() || !bytes.Equal(s2.Sig, s.Sig) {
			t.Fatalf("re-rendered code parses to %+v, want %+v", s2, s)
		}
	})
}
