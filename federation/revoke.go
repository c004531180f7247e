package federation

import (
	"encoding/hex"
	"fmt"

	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/porchlight/porchlight/federation/roster"
	"github.com/porchlight/porchlight/federation/wire"
)

// Revoke removes a member from a hood, or cancels an unused invite when target is an invite ID. Only a
// steward can; the revocation spreads to every member, who then refuse the revoked node.
func (n *Node) Revoke(hoodID, target string) error {
	n.mu.RLock()
	h, err := n.resolveHood(hoodID)
	if err == nil && !h.r.IsSteward(n.pub()) {
		err = ErrNotSteward
	}
	var hid string
	if err == nil {
		hid = h.r.ID()
	}
	n.mu.RUnlock()
	if err != nil {
		return err
	}
	rv := wire.Revocation{Hood: hid, Time: n.now().UnixMilli(), Issuer: n.pub()}
	if raw, herr := hex.DecodeString(target); herr == nil && len(raw) == 16 {
		if n.store.get(hid, bInvites, raw) == nil {
			return fmt.Errorf("%w: invite %s", ErrNotFound, target)
		}
		rv.Invite = raw
	} else {
		p, err := peer.Decode(target)
		if err != nil {
			return fmt.Errorf("%w: %q is neither a member ID nor an invite ID", ErrInvalid, target)
		}
		if p == n.self {
			return fmt.Errorf("%w: a steward cannot revoke itself", ErrInvalid)
		}
		if !n.isHoodMember(hid, p) {
			return fmt.Errorf("%w: %s in hood %s", ErrNotMember, p, hid)
		}
		if rv.Member, err = roster.KeyOf(p); err != nil {
			return err
		}
	}
	rec, err := wire.Sign(wire.KindRevocation, &rv, n.cfg.Key)
	if err != nil {
		return err
	}
	if _, err := n.applyRecord(hid, rec); err != nil {
		return err
	}
	return n.publish(hid, rec)
}
