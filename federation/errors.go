package federation

import (
	"github.com/porchlight/porchlight/federation/roster"
)

// Sentinel errors callers branch on: federation/roster's values (see roster's errors.go).
var (
	ErrNotMember     = roster.ErrNotMember
	ErrNotSteward    = roster.ErrNotSteward
	ErrUnknownHood   = roster.ErrUnknownHood
	ErrNoHood        = roster.ErrNoHood
	ErrSeveralHoods  = roster.ErrSeveralHoods
	ErrInviteUsed    = roster.ErrInviteUsed
	ErrInviteExpired = roster.ErrInviteExpired
	ErrInviteRevoked = roster.ErrInviteRevoked
	ErrRevoked       = roster.ErrRevoked
	ErrUnreachable   = roster.ErrUnreachable
	ErrRateLimited   = roster.ErrRateLimited
	ErrNotFound      = roster.ErrNotFound
	ErrInvalid       = roster.ErrInvalid
	ErrNoCredential  = roster.ErrNoCredential
	ErrNotCosigned   = roster.ErrNotCosigned
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
