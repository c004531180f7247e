package wire_test

import (
	"bytes"
	"encoding/base32"
	"errors"
	"testing"

	"github.com/porchlight/porchlight/federation/wire"
)

func b32(b []byte) string { return base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b) }

// agencyInvite is a signed agency invite with a scope, by a fresh issuer key.
func agencyInvite(t *testing.T) (wire.Signed, wire.Invite) {
	t.Helper()
	pub, priv := newKey(t)
	inv := *samples(pub)[3].body.(*wire.Invite)
	sc := inviteScope(*samples(pub)[6].body.(*wire.Cert).Scope)
	inv.Scope = &sc
	return sign(t, wire.KindInvite, &inv, priv), inv
}

// endorse signs an endorsement of inv by a fresh steward key; edit, when not nil, changes it first.
func endorse(t *testing.T, inv wire.Invite, edit func(*wire.Endorsement)) wire.Signed {
	t.Helper()
	pub, priv := newKey(t)
	e, err := wire.Endorse(inv, pub)
	if err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		edit(&e)
	}
	return sign(t, wire.KindEndorsement, &e, priv)
}

func TestInviteBundleRoundTrip(t *testing.T) {
	rec, inv := agencyInvite(t)
	ends := []wire.Signed{endorse(t, inv, nil), endorse(t, inv, nil)}
	gotRec, gotInv, gotEnds, err := wire.ParseInviteBundle(wire.InviteCode(rec, ends...))
	if err != nil {
		t.Fatalf("ParseInviteBundle: %v", err)
	}
	if gotRec.ID() != rec.ID() || !bytes.Equal(gotInv.ID, inv.ID) {
		t.Errorf("got invite %s, want %s", gotRec.ID(), rec.ID())
	}
	if len(gotEnds) != len(ends) {
		t.Fatalf("got %d endorsements, want %d", len(gotEnds), len(ends))
	}
	for i := range ends {
		if !bytes.Equal(gotEnds[i].Marshal(), ends[i].Marshal()) {
			t.Errorf("endorsement %d changed on the way", i)
		}
	}
	// A code without endorsements is the old single-record code, and reads back without any.
	plain := wire.InviteCode(rec)
	if _, _, e, err := wire.ParseInviteBundle(plain); err != nil || e != nil {
		t.Errorf("plain code: got %d endorsements, %v; want none, nil", len(e), err)
	}
	old := wire.InvitePrefix + b32(rec.Marshal())
	if plain != old {
		t.Errorf("plain code %q, want the old format %q", plain, old)
	}
	// ParseInviteCode still reads a code with endorsements.
	if _, got, err := wire.ParseInviteCode(wire.InviteCode(rec, ends...)); err != nil || !bytes.Equal(got.ID, inv.ID) {
		t.Errorf("ParseInviteCode of a bundle = %v, want the invite", err)
	}
}

func TestInviteBundleRejects(t *testing.T) {
	rec, inv := agencyInvite(t)
	good := endorse(t, inv, nil)
	otherScope := func(e *wire.Endorsement) { e.Scope.PerDay++ }
	forged := endorse(t, inv, nil)
	forged.Sig = endorse(t, inv, nil).Sig // signed by a key other than the one it names
	many := make([]wire.Signed, wire.MaxEndorsements+1)
	for i := range many {
		many[i] = endorse(t, inv, nil)
	}
	cases := []struct {
		name string
		ends []wire.Signed
		want error
	}{
		{"duplicate", []wire.Signed{good, good}, wire.ErrMalformed},
		{"other scope", []wire.Signed{endorse(t, inv, otherScope)}, wire.ErrMalformed},
		{"other invite", []wire.Signed{endorse(t, inv, func(e *wire.Endorsement) { e.Invite = make([]byte, 16) })}, wire.ErrMalformed},
		{"other expiry", []wire.Signed{endorse(t, inv, func(e *wire.Endorsement) { e.Expires++ })}, wire.ErrMalformed},
		{"forged", []wire.Signed{forged}, wire.ErrBadSignature},
		{"not an endorsement", []wire.Signed{rec}, wire.ErrWrongKind},
		{"too many", many, wire.ErrMalformed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _, _, err := wire.ParseInviteBundle(wire.InviteCode(rec, c.ends...))
			if !errors.Is(err, c.want) {
				t.Errorf("ParseInviteBundle = %v, want %v", err, c.want)
			}
		})
	}
	t.Run("issuer endorses its own", func(t *testing.T) {
		pub, priv := newKey(t)
		own := inv
		own.Issuer = pub
		orec := sign(t, wire.KindInvite, &own, priv)
		e, _ := wire.Endorse(own, pub)
		_, _, _, err := wire.ParseInviteBundle(wire.InviteCode(orec, sign(t, wire.KindEndorsement, &e, priv)))
		if !errors.Is(err, wire.ErrMalformed) {
			t.Errorf("ParseInviteBundle = %v, want ErrMalformed", err)
		}
	})
	t.Run("empty bundle", func(t *testing.T) {
		b, _ := wire.Marshal(map[int]any{1: rec.Marshal(), 2: [][]byte{}})
		if _, _, _, err := wire.ParseInviteBundle(wire.InvitePrefix + b32(b)); !errors.Is(err, wire.ErrMalformed) {
			t.Errorf("ParseInviteBundle = %v, want ErrMalformed", err)
		}
	})
}

func TestEndorses(t *testing.T) {
	_, inv := agencyInvite(t)
	e, err := wire.Endorse(inv, inv.Issuer)
	if err != nil {
		t.Fatal(err)
	}
	withKey := *inv.Scope
	withKey.Recipient = "age1qqqq" // the certificate's scope names the agency's key
	wider := withKey
	wider.Area.Radius++
	cases := []struct {
		name  string
		hood  string
		id    []byte
		scope *wire.Scope
		at    int64
		want  bool
	}{
		{"the certificate", inv.Hood, inv.ID, &withKey, inv.Expires, true},
		{"claimed late", inv.Hood, inv.ID, &withKey, inv.Expires + 1, false},
		{"other hood", "x", inv.ID, &withKey, 0, false},
		{"other invite", inv.Hood, make([]byte, 16), &withKey, 0, false},
		{"wider scope", inv.Hood, inv.ID, &wider, 0, false},
		{"no scope", inv.Hood, inv.ID, nil, 0, false},
	}
	for _, c := range cases {
		if got := e.Endorses(c.hood, c.id, c.scope, c.at); got != c.want {
			t.Errorf("%s: Endorses = %v, want %v", c.name, got, c.want)
		}
	}
	if _, err := wire.Endorse(wire.Invite{}, inv.Issuer); !errors.Is(err, wire.ErrMalformed) {
		t.Errorf("Endorse of an invite without scope = %v, want ErrMalformed", err)
	}
}
