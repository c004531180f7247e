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
		opened := map[wire.Kind]bool{}
		for _, sm := range all {
			v, err := sm.open(s)
			if err != nil {
				continue
			}
			opened[sm.kind] = true
			if sm.kind != s.Kind {
				t.Fatalf("%s record opened as %s", s.Kind, sm.kind)
			}
			if _, err := wire.Marshal(v); err != nil {
				t.Fatalf("opened %s body does not re-encode: %v", sm.kind, err)
			}
		}
		if len(opened) > 1 {
			t.Fatalf("record opened as %d kinds", len(opened))
		}
	})
}

// FuzzParseInviteCode feeds text a person pasted or scanned: nothing may panic, and an accepted code is a
// correctly signed invite, with endorsements of that invite each signed by its distinct steward, that
// renders back to an equivalent code.
func FuzzParseInviteCode(f *testing.F) {
	pub, priv := newKey(f)
	code := wire.InviteCode(sign(f, wire.KindInvite, samples(pub)[3].body, priv))
	f.Add(code)
	f.Add(strings.ToLower(code))
	f.Add(code[:20] + "\n " + code[20:])
	f.Add(wire.InvitePrefix)
	f.Add("PL1-AAAA")
	// An agency invite with two endorsements, and one with the same endorsement twice.
	inv := *samples(pub)[3].body.(*wire.Invite)
	sc := inviteScope(*samples(pub)[6].body.(*wire.Cert).Scope)
	inv.Scope = &sc
	rec := sign(f, wire.KindInvite, &inv, priv)
	var ends []wire.Signed
	for range 2 {
		epub, epriv := newKey(f)
		e, err := wire.Endorse(inv, epub)
		if err != nil {
			f.Fatal(err)
		}
		ends = append(ends, sign(f, wire.KindEndorsement, &e, epriv))
	}
	f.Add(wire.InviteCode(rec, ends...))
	f.Add(wire.InviteCode(rec, ends[0], ends[0]))
	f.Fuzz(func(t *testing.T, in string) {
		s, inv, ends, err := wire.ParseInviteBundle(in)
		if err != nil {
			return
		}
		if s.Kind != wire.KindInvite {
			t.Fatalf("accepted a %s record", s.Kind)
		}
		if err := s.Verify(inv.Issuer); err != nil {
			t.Fatalf("accepted an invite whose issuer did not sign it: %v", err)
		}
		signers := map[string]bool{string(inv.Issuer): true}
		for i, e := range ends {
			_, body, err := wire.OpenEndorsement(e.Marshal())
			if err != nil || !body.Endorses(inv.Hood, inv.ID, inv.Scope, inv.Expires) || signers[string(body.Steward)] {
				t.Fatalf("accepted endorsement %d that is bad, of another invite or a repeat (%v)", i, err)
			}
			signers[string(body.Steward)] = true
		}
		s2, _, ends2, err := wire.ParseInviteBundle(wire.InviteCode(s, ends...))
		if err != nil {
			t.Fatalf("re-rendered code does not parse: %v", err)
		}
		if s2.ID() != s.ID() || !bytes.Equal(s2.Sig, s.Sig) || len(ends2) != len(ends) {
			t.Fatalf("re-rendered code parses to %+v with %d endorsements, want %+v with %d", s2, len(ends2), s, len(ends))
		}
		for i := range ends {
			if ends2[i].ID() != ends[i].ID() {
				t.Fatalf("endorsement %d changed on re-render", i)
			}
		}
	})
}

// FuzzDecodeLogEntry feeds leaves of an agency's log (fetched from the agency or a neighbor): nothing may
// panic, and an accepted entry re-encodes to an entry that decodes the same.
func FuzzDecodeLogEntry(f *testing.F) {
	for _, e := range []wire.LogEntry{
		{Kind: wire.EntryRequest, Record: []byte{1, 2, 3}, Time: 1},
		{Kind: wire.EntrySubmission, Request: strings.Repeat("r", 32), Count: 2, Time: 3},
		{Kind: wire.EntryClose, Request: strings.Repeat("r", 32), Time: 4},
	} {
		b, err := wire.Marshal(e)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		e, err := wire.DecodeLogEntry(in)
		if err != nil {
			return
		}
		b, err := wire.Marshal(e)
		if err != nil {
			t.Fatalf("accepted entry does not encode: %v", err)
		}
		again, err := wire.DecodeLogEntry(b)
		if err != nil || again.Kind != e.Kind || again.Request != e.Request || again.Count != e.Count ||
			!bytes.Equal(again.Record, e.Record) || again.Time != e.Time {
			t.Fatalf("re-decoded %+v (%v), want %+v", again, err, e)
		}
	})
}
