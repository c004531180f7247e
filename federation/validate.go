package federation

import (
	"time"

	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/porchlight/porchlight/federation/roster"
	"github.com/porchlight/porchlight/federation/wire"
)

// rejection is a refused message with the reason it is counted under.
type rejection = roster.Refusal

func reject(reason string, format string, args ...any) error {
	return roster.Refuse(reason, format, args...)
}

// checkAlert validates an alert record for a hood: shape, membership of the author (and that the sender,
// when known, is the author), signature, time window, replay and, for gossip, the author's rate.
func (n *Node) checkAlert(hoodID string, rec wire.Signed, sender peer.ID, window time.Duration, rateLimit bool) error {
	var a wire.Alert
	if err := rec.Open(wire.KindAlert, &a); err != nil {
		return reject("malformed", "%w", err)
	}
	if a.Hood != hoodID {
		return reject("malformed", "alert for hood %s on hood %s", a.Hood, hoodID)
	}
	author, err := roster.PeerOf(a.Author)
	if err != nil {
		return reject("malformed", "author: %w", err)
	}
	if n.store.seenAlert(hoodID, rec.ID()) { // cheap, and most repeats arrive by sync: before the signature
		return reject("replay", "alert %s was seen before", rec.ID())
	}
	if !n.isHoodMember(hoodID, author) {
		return reject("not-member", "author %s is not a member", author)
	}
	if sender != "" && sender != author {
		return reject("not-author", "published by %s, authored by %s", sender, author)
	}
	if err := rec.Verify(a.Author); err != nil {
		return reject("bad-signature", "alert by %s: %w", author, err)
	}
	now := n.now()
	t := time.UnixMilli(a.Time)
	if t.After(now.Add(maxSkew)) {
		return reject("future", "alert time %s is ahead of ours", t.UTC().Format(time.RFC3339))
	}
	if t.Before(now.Add(-window)) {
		return reject("stale", "alert time %s is older than %s", t.UTC().Format(time.RFC3339), window)
	}
	if rateLimit && !n.limits.allow(author) {
		return reject("rate", "member %s is over its alert rate", author)
	}
	return nil
}
