package roster

import (
	"errors"
	"fmt"
)

// Sentinel errors callers branch on; package federation exports the same values under the same names.
var (
	ErrInvalid     = errors.New("invalid")
	ErrNotSteward  = errors.New("only a steward can do this")
	ErrInviteUsed  = errors.New("invite already used")
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
