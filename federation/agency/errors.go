package agency

import "github.com/porchlight/porchlight/federation/roster"

// Sentinel errors callers branch on: the federation room's values (federation/roster's errors.go), the
// same the hood core returns.
var (
	ErrNotMember    = roster.ErrNotMember
	ErrUnknownHood  = roster.ErrUnknownHood
	ErrRevoked      = roster.ErrRevoked
	ErrUnreachable  = roster.ErrUnreachable
	ErrRateLimited  = roster.ErrRateLimited
	ErrNotFound     = roster.ErrNotFound
	ErrInvalid      = roster.ErrInvalid
	ErrNoCredential = roster.ErrNoCredential
)

// rejection is a refused record with the reason it is counted under.
type rejection = roster.Refusal

func reject(reason string, format string, args ...any) error {
	return roster.Refuse(reason, format, args...)
}

// maxSkew is how far ahead of ours a member's clock may be.
const maxSkew = roster.MaxSkew

// MaxRequestLife is how long after it is posted a request expires at most (federation/roster).
const MaxRequestLife = roster.MaxRequestLife
