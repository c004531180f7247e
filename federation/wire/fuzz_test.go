package wire_test

import (
	"bytes"
	"math"
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

// FuzzCoarsen feeds positions and precisions from a member's config or an alert draft: a position on the
// Earth with a finite precision gives a place in range, in the cell of the position (MinPrecision to
// MaxPrecision wide in latitude, up to 100 times that in longitude near the poles); anything else is an
// error.
func FuzzCoarsen(f *testing.F) {
	f.Add(40.7128, -74.006, 150.0)
	f.Add(10.0, 20.0, 5e-324)
	f.Add(10.0, 20.0, 1e-310)
	f.Add(90.0, 180.0, 1e300)
	f.Add(-90.0, -180.0, 0.0)
	f.Add(89.99999, 179.99999, -1.0)
	f.Add(0.0, 0.0, math.NaN())
	f.Add(91.0, 0.0, 150.0)
	f.Fuzz(func(t *testing.T, lat, lon, precision float64) {
		p, err := wire.Coarsen(lat, lon, precision)
		finite := !math.IsNaN(lat+lon+precision) && !math.IsInf(lat, 0) && !math.IsInf(lon, 0) && !math.IsInf(precision, 0)
		valid := finite && lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180
		if !valid {
			if err == nil {
				t.Fatalf("Coarsen(%v, %v, %v) = %+v, nil; want an error", lat, lon, precision, p)
			}
			return
		}
		if err != nil {
			t.Fatalf("Coarsen(%v, %v, %v): %v, want a place", lat, lon, precision, err)
		}
		if p.Lat < -90e6 || p.Lat > 90e6 || p.Lon < -180e6 || p.Lon > 180e6 {
			t.Fatalf("Coarsen(%v, %v, %v) = %+v, out of range", lat, lon, precision, p)
		}
		if precision <= 0 {
			precision = wire.DefaultPrecision
		}
		cell := min(max(precision, wire.MinPrecision), wire.MaxPrecision) / 111_320 // degrees of latitude
		pLat, pLon := p.Degrees()
		if d := math.Abs(pLat - lat); d > cell/2+1e-6 {
			t.Fatalf("Coarsen(%v, %v, %v) = %v°N, %v° from the position, want at most half a cell (%v°)", lat, lon, precision, pLat, d, cell/2)
		}
		if d := math.Abs(pLon - lon); d > 100*cell/2+1e-6 {
			t.Fatalf("Coarsen(%v, %v, %v) = %v°E, %v° from the position, want at most half a cell (%v°)", lat, lon, precision, pLon, d, 100*cell/2)
		}
	})
}
