package federation

import (
	"fmt"

	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/porchlight/porchlight/federation/roster"
	"github.com/porchlight/porchlight/federation/wire"
)

// addHood stores a hood we founded or joined and subscribes to its topic.
func (n *Node) addHood(genesis, self wire.Signed, records []wire.Signed) error {
	r, err := roster.New(genesis)
	if err != nil {
		return err
	}
	if _, err := r.Apply(self); err != nil {
		return fmt.Errorf("own certificate: %w", err)
	}
	for _, rec := range records {
		r.Apply(rec) // bad records from the steward are skipped, not fatal
	}
	err = n.store.put(r.ID(), bMeta, []byte("genesis"), genesis.Marshal())
	if err == nil {
		err = n.store.put(r.ID(), bMeta, []byte("self"), self.Marshal())
	}
	if err == nil {
		err = n.persistRoster(r)
	}
	if err != nil {
		return fmt.Errorf("store hood %s: %w", r.ID(), err)
	}
	h := &hood{r: r, self: self}
	n.mu.Lock()
	old := n.hoods[r.ID()]
	n.hoods[r.ID()] = h
	n.mu.Unlock()
	if old != nil {
		old.close()
	}
	if n.ps != nil {
		return n.joinTopic(h)
	}
	return nil
}

// persistRoster writes every certificate and revocation of a roster.
func (n *Node) persistRoster(r *roster.Roster) error {
	for _, rec := range r.Records() {
		if err := n.persistRecord(r.ID(), rec); err != nil {
			return err
		}
	}
	return nil
}

func (n *Node) persistRecord(hood string, rec wire.Signed) error {
	switch rec.Kind {
	case wire.KindCert:
		var c wire.Cert
		rec.Open(wire.KindCert, &c)
		return n.store.put(hood, bCerts, c.Member, rec.Marshal())
	case wire.KindRevocation:
		var v wire.Revocation
		rec.Open(wire.KindRevocation, &v)
		key := v.Member
		if key == nil {
			key = v.Invite
		}
		return n.store.put(hood, bRevoked, key, rec.Marshal())
	}
	return nil
}

// applyRecord adds a roster record that arrived by gossip or sync, persists it, and acts on revocations.
func (n *Node) applyRecord(hoodID string, rec wire.Signed) (bool, error) {
	n.mu.RLock()
	h, ok := n.hoods[hoodID]
	known := ok && h.r.Known(rec.ID())
	n.mu.RUnlock()
	if known { // the common case in sync and gossip: no lock contention, no signature check
		return false, nil
	}
	n.mu.Lock()
	h, ok = n.hoods[hoodID]
	if !ok {
		n.mu.Unlock()
		return false, ErrUnknownHood
	}
	changed, err := h.r.Apply(rec)
	n.mu.Unlock()
	if err != nil || !changed {
		return false, err
	}
	if err := n.persistRecord(hoodID, rec); err != nil {
		return true, err
	}
	if rec.Kind == wire.KindCert {
		if c, id, err := h.r.CheckCert(rec); err == nil && c.Hood == hoodID {
			n.gater.forgetGuest(id) // a member now: revocation must be able to drop it
		}
	}
	if rec.Kind == wire.KindRevocation {
		n.dropRevoked()
	}
	return true, nil
}

// dropRevoked closes connections to peers that are no longer members of any hood.
func (n *Node) dropRevoked() {
	for _, p := range n.host.Network().Peers() {
		if !n.isMember(p) && !n.gater.isGuest(p) {
			n.host.Network().ClosePeer(p)
		}
	}
}

// loadHoods reads every stored hood into memory.
func (n *Node) loadHoods() error {
	for _, id := range n.store.hoodIDs() {
		g, err := wire.Decode(n.store.get(id, bMeta, []byte("genesis")))
		if err != nil {
			return fmt.Errorf("hood %s: genesis: %w", id, err)
		}
		self, err := wire.Decode(n.store.get(id, bMeta, []byte("self")))
		if err != nil {
			return fmt.Errorf("hood %s: own certificate: %w", id, err)
		}
		r, err := roster.New(g)
		if err != nil {
			return fmt.Errorf("hood %s: %w", id, err)
		}
		var recs []wire.Signed
		for _, b := range [][]byte{bCerts, bRevoked} {
			n.store.each(id, b, func(_, v []byte) error {
				if rec, err := wire.Decode(v); err == nil {
					recs = append(recs, rec)
				}
				return nil
			})
		}
		for _, rec := range recs {
			if rec.Kind == wire.KindCert {
				r.Apply(rec)
			}
		}
		for _, rec := range recs {
			if rec.Kind == wire.KindRevocation {
				r.Apply(rec)
			}
		}
		n.hoods[id] = &hood{r: r, self: self}
	}
	return nil
}

// isMember reports whether p is an active member of any hood we are in.
func (n *Node) isMember(p peer.ID) bool {
	n.mu.RLock()
	defer n.mu.RUnlock()
	for _, h := range n.hoods {
		if h.r.Active(p) {
			return true
		}
	}
	return false
}

// isRevoked reports whether p was revoked from any hood we are in.
func (n *Node) isRevoked(p peer.ID) bool {
	n.mu.RLock()
	defer n.mu.RUnlock()
	for _, h := range n.hoods {
		if h.r.Revoked(p) {
			return true
		}
	}
	return false
}

// isHoodMember reports whether p is an active member of the hood.
func (n *Node) isHoodMember(hoodID string, p peer.ID) bool {
	n.mu.RLock()
	defer n.mu.RUnlock()
	h, ok := n.hoods[hoodID]
	return ok && h.r.Active(p)
}

// relayPeers lists agency members (public federation nodes) of our hoods.
func (n *Node) relayPeers() []peer.ID {
	n.mu.RLock()
	defer n.mu.RUnlock()
	var out []peer.ID
	for _, h := range n.hoods {
		for id, m := range h.r.Members() {
			if m.Cert.Role == wire.RoleAgency && h.r.Active(id) && id != n.self {
				out = append(out, id)
			}
		}
	}
	return out
}
