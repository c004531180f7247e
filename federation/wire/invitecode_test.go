package wire_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/porchlight/porchlight/federation/wire"
)

// inviteCode returns a valid code for an invite issued by a fresh key, and the invite.
func inviteCode(t *testing.T) (string, *wire.Invite) {
	t.Helper()
	pub, priv := newKey(t)
	inv := samples(pub)[3].body.(*wire.Invite)
	return wire.InviteCode(sign(t, wire.KindInvite, inv, priv)), inv
}

func TestInviteCodeRoundTrip(t *testing.T) {
	pub, priv := newKey(t)
	inv := samples(pub)[3].body.(*wire.Invite)
	s := sign(t, wire.KindInvite, inv, priv)
	code := wire.InviteCode(s)
	if !strings.HasPrefix(code, wire.InvitePrefix) {
		t.Fatalf("code %q does not start with %q", code, wire.InvitePrefix)
	}
	// QR alphanumeric mode: upper-case letters, digits and a few symbols only.
	if strings.Trim(code, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 $%*+-./:") != "" {
		t.Errorf("code %q has characters outside QR alphanumeric mode", code)
	}
	gotS, gotInv, err := wire.ParseInviteCode(code)
	if err != nil {
		t.Fatalf("ParseInviteCode: %v", err)
	}
	if !bytes.Equal(gotS.Marshal(), s.Marshal()) {
		t.Errorf("record = %+v, want %+v", gotS, s)
	}
	gb, _ := wire.Marshal(gotInv)
	wb, _ := wire.Marshal(inv)
	if !bytes.Equal(gb, wb) {
		t.Errorf("invite = %+v, want %+v", gotInv, *inv)
	}
}

func TestInviteCodeForgiving(t *testing.T) {
	code, _ := inviteCode(t)
	var chunked strings.Builder
	for i, r := range code {
		if i > 0 && i%17 == 0 {
			chunked.WriteString([]string{"\n", " ", "\t", "\r\n"}[i%4])
		}
		chunked.WriteRune(r)
	}
	for name, in := range map[string]string{
		"lower case":  strings.ToLower(code),
		"chunked":     chunked.String(),
		"padded":      "  \n" + code + "\n\t",
		"lower chunk": strings.ToLower(chunked.String()),
	} {
		t.Run(name, func(t *testing.T) {
			if _, _, err := wire.ParseInviteCode(in); err != nil {
				t.Errorf("ParseInviteCode(%q) = %v, want nil", in, err)
			}
		})
	}
}

func TestInviteCodeRejects(t *testing.T) {
	code, _ := inviteCode(t)
	rest := code[len(wire.InvitePrefix):]
	cases := map[string]string{
		"empty":          "",
		"no prefix":      rest,
		"wrong prefix":   "PL2-" + rest,
		"prefix only":    wire.InvitePrefix,
		"digit one":      code[:20] + "1" + code[21:],
		"digit eight":    code + "8",
		"padding":        code + "====",
		"truncated":      code[:len(code)/2],
		"not base32 ish": wire.InvitePrefix + "!!!!",
	}
	for name, in := range cases {
		t.Run(name, func(t *testing.T) {
			if _, _, err := wire.ParseInviteCode(in); !errors.Is(err, wire.ErrMalformed) {
				t.Errorf("ParseInviteCode = %v, want ErrMalformed", err)
			}
		})
	}
}

// TestInviteCodeTampered changes each character (but the last, whose low bits may be padding) and expects
// every change to be caught by decoding, the kind check or the signature.
func TestInviteCodeTampered(t *testing.T) {
	code, _ := inviteCode(t)
	for i := len(wire.InvitePrefix); i < len(code)-1; i++ {
		repl := byte('A')
		if code[i] == 'A' {
			repl = 'B'
		}
		bad := code[:i] + string(repl) + code[i+1:]
		_, _, err := wire.ParseInviteCode(bad)
		if err == nil {
			t.Fatalf("char %d changed %q -> %q: ParseInviteCode = nil, want an error", i, code[i], repl)
		}
		known := false
		for _, e := range []error{wire.ErrMalformed, wire.ErrVersion, wire.ErrWrongKind, wire.ErrBadSignature} {
			known = known || errors.Is(err, e)
		}
		if !known {
			t.Errorf("char %d changed: error %v wraps none of the wire sentinels", i, err)
		}
	}
}

func TestInviteCodeWrongSigner(t *testing.T) {
	issuer, _ := newKey(t)
	_, other := newKey(t)
	inv := samples(issuer)[3].body
	_, _, err := wire.ParseInviteCode(wire.InviteCode(sign(t, wire.KindInvite, inv, other)))
	if !errors.Is(err, wire.ErrBadSignature) {
		t.Errorf("invite signed by a non-issuer: ParseInviteCode = %v, want ErrBadSignature", err)
	}
}

func TestInviteCodeNotAnInvite(t *testing.T) {
	pub, priv := newKey(t)
	claim := sign(t, wire.KindClaim, samples(pub)[4].body, priv)
	_, _, err := wire.ParseInviteCode(wire.InviteCode(claim))
	if !errors.Is(err, wire.ErrWrongKind) {
		t.Errorf("claim as invite code: ParseInviteCode = %v, want ErrWrongKind", err)
	}
}
