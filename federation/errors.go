package federation

import (
	"errors"

	"github.com/porchlight/porchlight/federation/roster"
)

// Sentinel errors callers branch on. Those the membership rules return are federation/roster's values.
var (
	ErrNotMember     = errors.New("not a member")
	ErrNotSteward    = roster.ErrNotSteward
	ErrUnknownHood   = errors.New("unknown hood")
	ErrNoHood        = errors.New("this node is in no hood")
	ErrSeveralHoods  = errors.New("this node is in several hoods: name one")
	ErrInviteUsed    = roster.ErrInviteUsed
	ErrInviteExpired = errors.New("invite expired")
	ErrInviteRevoked = errors.New("invite revoked")
	ErrRevoked       = errors.New("member revoked")
	ErrUnreachable   = errors.New("peer unreachable")
	ErrRateLimited   = errors.New("too many posts: try again later")
	ErrNotFound      = errors.New("not found")
	ErrInvalid       = roster.ErrInvalid
	ErrNoCredential  = errors.New("no agency credential")
	// ErrNotCosigned means an agency's invite or credential lacks the signatures of enough stewards.
	ErrNotCosigned = roster.ErrNotCosigned
)

// The membership rules' types and bounds, under the names callers know (see federation/roster).
type (
	// Scope is what a steward lets an agency ask for.
	Scope = roster.Scope
	// Founding is how a hood is founded beyond its name.
	Founding = roster.Founding
)

// Bounds of agency credentials, invites and requests (see federation/roster).
const (
	DefaultMaxAreaSqMi = roster.DefaultMaxAreaSqMi
	DefaultMaxWindow   = roster.DefaultMaxWindow
	DefaultPerDay      = roster.DefaultPerDay
	DefaultCredential  = roster.DefaultCredential
	MaxCredential      = roster.MaxCredential
	MaxInviteTTL       = roster.MaxInviteTTL
	MaxRequestLife     = roster.MaxRequestLife
	MaxFootageAge      = roster.MaxFootageAge
	MaxWindowHard      = roster.MaxWindowHard
)
