package agency

import "github.com/porchlight/porchlight/federation/roster"

// The sentinel errors this package returns are federation/roster's (roster.ErrInvalid, ...), defined
// once there; federation re-exports them under the names its callers know.

// rejection is a refused record with the reason it is counted under.
type rejection = roster.Refusal

func reject(reason string, format string, args ...any) error {
	return roster.Refuse(reason, format, args...)
}

// maxSkew is how far ahead of ours a member's clock may be.
const maxSkew = roster.MaxSkew

// MaxRequestLife is how long after it is posted a request expires at most (federation/roster).
const MaxRequestLife = roster.MaxRequestLife
