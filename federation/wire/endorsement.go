package wire

import (
	"bytes"
	"fmt"
)

// MaxEndorsements bounds the endorsements an invite code or a certificate carries (a genesis names at most
// 16 stewards).
const MaxEndorsements = 16

// Endorsement is a steward's cosignature of another steward's agency invite: it agrees that the agency
// that claims invite Invite of hood Hood gets a credential of exactly Scope (Recipient empty: the agency
// names its key when it claims), if it claims before Expires (the invite's expiry). Signed by Steward.
// Endorsements travel beside the invite in its code and end up in the agency's certificate, where every
// home counts them against the hood's agency quorum.
type Endorsement struct {
	Hood    string `cbor:"1,keyasint"`
	Invite  []byte `cbor:"2,keyasint"`
	Scope   Scope  `cbor:"3,keyasint"`
	Expires int64  `cbor:"4,keyasint"` // unix ms
	Steward []byte `cbor:"5,keyasint"`
}

func (e *Endorsement) check() error {
	if len(e.Invite) != 16 {
		return fmt.Errorf("%w: invite id", errField)
	}
	if e.Scope.Recipient != "" || e.Expires <= 0 {
		return fmt.Errorf("%w: an endorsement is of an invite's scope, without recipient, until its expiry", errField)
	}
	if err := checkHood(e.Hood); err != nil {
		return err
	}
	if err := checkKey("steward", e.Steward); err != nil {
		return err
	}
	return e.Scope.check()
}

// Endorse returns the endorsement of an agency invite: what a steward signs to cosign it.
func Endorse(inv Invite, steward []byte) (Endorsement, error) {
	if inv.Scope == nil {
		return Endorsement{}, fmt.Errorf("%w: only an agency invite with a scope is endorsed", ErrMalformed)
	}
	return Endorsement{Hood: inv.Hood, Invite: inv.ID, Scope: *inv.Scope, Expires: inv.Expires, Steward: steward}, nil
}

// OpenEndorsement decodes an encoded endorsement record and checks it is signed by the steward it names.
// Whether that steward is one of the hood's is the hood's business.
func OpenEndorsement(b []byte) (Signed, Endorsement, error) {
	var e Endorsement
	s, err := Decode(b)
	if err != nil {
		return s, e, err
	}
	if err := s.Open(KindEndorsement, &e); err != nil {
		return s, e, err
	}
	if err := s.Verify(e.Steward); err != nil {
		return s, e, fmt.Errorf("endorsement: %w", err)
	}
	return s, e, nil
}

// Endorses reports whether e endorses invite id of hood with scope (compared without its Recipient, which
// a certificate's scope has and an invite's has not) for a claim at time at (unix ms).
func (e *Endorsement) Endorses(hood string, id []byte, scope *Scope, at int64) bool {
	if scope == nil || e.Hood != hood || !bytes.Equal(e.Invite, id) || at > e.Expires {
		return false
	}
	s := *scope
	s.Recipient = ""
	a, err1 := Marshal(&s)
	b, err2 := Marshal(&e.Scope)
	return err1 == nil && err2 == nil && bytes.Equal(a, b)
}
