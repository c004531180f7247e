package roster

import (
	"errors"
	"fmt"
)

// The federation room's sentinel errors, in one place: the hood core (package federation) and the
// agency-request side (federation/agency) export these same values under the same names, so a caller
// branches on one value whichever of them returned it.
var (
	ErrNotMember     = errors.New("not a member")
	ErrNotSteward    = errors.New("only a steward can do this")
	ErrUnknownHood   = errors.New("unknown hood")
	ErrNoHood        = errors.New("this node is in no hood")
	ErrSeveralHoods  = errors.New("this node is in several hoods: name one")
	ErrInviteUsed    = errors.New("invite already used")
	ErrInviteExpired = errors.New("invite expired")
	ErrInviteRevoked = errors.New("invite revoked")
	ErrRevoked       = errors.New("member revoked")
	ErrUnreachable   = errors.New("peer unreachable")
	ErrRateLimited   = errors.New("too many posts: try again later")
	ErrNotFound      = errors.New("not found")
	ErrInvalid       = errors.New("invalid")
	ErrNoCredential  = errors.New("no agency credential")
	// ErrNotCosigned means an agency's invite or credential lacks the signatures of enough stewards.
	ErrNotCosigned = errors.New("not cosigned by enough stewards")
)

// A Refusal is a record refused for a reason that is counted (porchlight_hood_rejected_total{reason}):
// what the checks of records from other members return.
type Refusal struct {
	Reason string
	Err    error
}

func (r *Refusal) Error() string { return r.Reason + ": " + r.Err.Error() }
func (r *Refusal) Unwrap() error { return r.Err }

// Refuse is a Refusal for reason, its detail formatted as fmt.Errorf does.
func Refuse(reason string, format string, args ...any) error {
	return &Refusal{Reason: reason, Err: fmt.Errorf(format, args...)}
}
