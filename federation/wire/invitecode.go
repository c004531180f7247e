package wire

import (
	"encoding/base32"
	"fmt"
	"strings"
)

// InvitePrefix starts every invite code; the rest is base32 (QR alphanumeric mode can carry it).
const InvitePrefix = "PL1-"

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// InviteCode renders a signed invite as one line of text.
func InviteCode(s Signed) string { return InvitePrefix + b32.EncodeToString(s.Marshal()) }

// ParseInviteCode decodes an invite code into its signed record and body. The signature is checked
// against the invite's issuer; whether the issuer may invite is the hood's business.
func ParseInviteCode(code string) (Signed, Invite, error) {
	var inv Invite
	code = strings.ToUpper(strings.Join(strings.Fields(code), ""))
	if !strings.HasPrefix(code, InvitePrefix) {
		return Signed{}, inv, fmt.Errorf("%w: not an invite code (want %s...)", ErrMalformed, InvitePrefix)
	}
	b, err := b32.DecodeString(code[len(InvitePrefix):])
	if err != nil {
		return Signed{}, inv, fmt.Errorf("%w: invite code: %w", ErrMalformed, err)
	}
	s, err := Decode(b)
	if err != nil {
		return s, inv, err
	}
	if err := s.Open(KindInvite, &inv); err != nil {
		return s, inv, err
	}
	if err := s.Verify(inv.Issuer); err != nil {
		return s, inv, fmt.Errorf("invite: %w", err)
	}
	return s, inv, nil
}
