package wire

import (
	"encoding/base32"
	"fmt"
	"strings"
)

// InvitePrefix starts every invite code; the rest is base32 (QR alphanumeric mode can carry it).
const InvitePrefix = "PL1-"

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// inviteBundle is the body of a code that carries endorsements: the invite stays a record signed by its
// issuer, and the other stewards' endorsements travel beside it. A code without endorsements is the bare
// invite record, as before endorsements existed; the two never decode as each other (key 1 is an integer
// in a record and a byte string here).
type inviteBundle struct {
	Invite       []byte   `cbor:"1,keyasint"`
	Endorsements [][]byte `cbor:"2,keyasint"`
}

// InviteCode renders a signed invite, with the endorsements of other stewards if any, as one line of text.
func InviteCode(s Signed, endorsements ...Signed) string {
	if len(endorsements) == 0 {
		return InvitePrefix + b32.EncodeToString(s.Marshal())
	}
	bd := inviteBundle{Invite: s.Marshal()}
	for _, e := range endorsements {
		bd.Endorsements = append(bd.Endorsements, e.Marshal())
	}
	b, err := encMode.Marshal(&bd)
	if err != nil {
		panic(err) // byte strings always encode
	}
	return InvitePrefix + b32.EncodeToString(b)
}

// ParseInviteCode decodes an invite code into its signed record and body. The signature is checked
// against the invite's issuer; whether the issuer may invite is the hood's business. Endorsements the code
// carries are checked too (see ParseInviteBundle) but not returned.
func ParseInviteCode(code string) (Signed, Invite, error) {
	s, inv, _, err := ParseInviteBundle(code)
	return s, inv, err
}

// ParseInviteBundle decodes an invite code into its signed record, body and endorsements. Each
// endorsement is signed by the steward it names, is of this invite (hood, ID, scope and expiry), and no
// steward (the issuer included) endorses twice; whether the endorsers are stewards is the hood's business.
func ParseInviteBundle(code string) (Signed, Invite, []Signed, error) {
	var inv Invite
	code = strings.ToUpper(strings.Join(strings.Fields(code), ""))
	if !strings.HasPrefix(code, InvitePrefix) {
		return Signed{}, inv, nil, fmt.Errorf("%w: not an invite code (want %s...)", ErrMalformed, InvitePrefix)
	}
	b, err := b32.DecodeString(code[len(InvitePrefix):])
	if err != nil {
		return Signed{}, inv, nil, fmt.Errorf("%w: invite code: %w", ErrMalformed, err)
	}
	if len(b) > MaxRecord {
		return Signed{}, inv, nil, fmt.Errorf("%w: invite code of %d bytes", ErrOversize, len(b))
	}
	var bd inviteBundle
	bundled := decMode.Unmarshal(b, &bd) == nil
	if bundled {
		b = bd.Invite
	}
	s, err := Decode(b)
	if err != nil {
		return s, inv, nil, err
	}
	if err := s.Open(KindInvite, &inv); err != nil {
		return s, inv, nil, err
	}
	if err := s.Verify(inv.Issuer); err != nil {
		return s, inv, nil, fmt.Errorf("invite: %w", err)
	}
	if !bundled {
		return s, inv, nil, nil
	}
	ends, err := checkEndorsements(inv, bd.Endorsements)
	return s, inv, ends, err
}

// checkEndorsements opens the endorsements of a bundle: 1 to MaxEndorsements, each a signed endorsement of
// inv by a steward that is neither its issuer nor one that endorsed it before.
func checkEndorsements(inv Invite, raw [][]byte) ([]Signed, error) {
	if len(raw) == 0 || len(raw) > MaxEndorsements || inv.Scope == nil {
		return nil, fmt.Errorf("%w: an agency invite code carries 1 to %d endorsements, got %d", ErrMalformed,
			MaxEndorsements, len(raw))
	}
	seen := map[string]bool{string(inv.Issuer): true}
	out := make([]Signed, 0, len(raw))
	for i, b := range raw {
		s, e, err := OpenEndorsement(b)
		if err != nil {
			return nil, fmt.Errorf("endorsement %d: %w", i+1, err)
		}
		if !e.Endorses(inv.Hood, inv.ID, inv.Scope, inv.Expires) || e.Expires != inv.Expires {
			return nil, fmt.Errorf("%w: endorsement %d is of another invite or scope", ErrMalformed, i+1)
		}
		if seen[string(e.Steward)] {
			return nil, fmt.Errorf("%w: endorsement %d: the steward signed this invite already", ErrMalformed, i+1)
		}
		seen[string(e.Steward)] = true
		out = append(out, s)
	}
	return out, nil
}
