package federation

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"
	ma "github.com/multiformats/go-multiaddr"
	manet "github.com/multiformats/go-multiaddr/net"
	bolt "go.etcd.io/bbolt"

	"github.com/porchlight/porchlight/federation/roster"
	"github.com/porchlight/porchlight/federation/wire"
)

// InviteInfo is an invite this node issued.
type InviteInfo struct {
	ID, Code, Hood, Role string
	Expires              time.Time
}

// inviteState is what a steward keeps of an invite it issued.
type inviteState struct {
	Rec    []byte   `cbor:"1,keyasint"`
	UsedBy []byte   `cbor:"2,keyasint,omitempty"` // the member key that claimed it
	Via    []string `cbor:"3,keyasint,omitempty"`
}

// Invite issues a single-use invite to a hood for a household or agency. via names public nodes (full
// multiaddrs with /p2p/) the joiner can reach this node through; the node dials them now and keeps the
// connection while the invite is open. The code carries this node's addresses, the hood's known relays
// and via.
func (n *Node) Invite(hoodID, role string, ttl time.Duration, via []string) (InviteInfo, error) {
	return n.invite(hoodID, role, ttl, via, nil)
}

// InviteAgency issues an agency invite whose certificate will carry scope: the credential homes check the
// agency's requests against.
func (n *Node) InviteAgency(hoodID string, ttl time.Duration, via []string, scope Scope) (InviteInfo, error) {
	ws, err := scope.Wire(n.now())
	if err != nil {
		return InviteInfo{}, err
	}
	return n.invite(hoodID, wire.RoleAgency, ttl, via, &ws)
}

func (n *Node) invite(hoodID, role string, ttl time.Duration, via []string, scope *wire.Scope) (InviteInfo, error) {
	role, err := roster.InviteRole(role, ttl)
	if err != nil {
		return InviteInfo{}, err
	}
	viaInfos, err := parseP2PAddrs(via)
	if err != nil {
		return InviteInfo{}, err
	}
	n.mu.RLock()
	h, err := n.resolveHood(hoodID)
	if err == nil && !h.r.IsSteward(n.pub()) {
		err = ErrNotSteward
	}
	var hid, hname string
	if err == nil {
		hid, hname = h.r.ID(), h.r.Genesis().Name
	}
	n.mu.RUnlock()
	if err != nil {
		return InviteInfo{}, err
	}
	for _, ai := range viaInfos {
		n.gater.allowDial(ai.ID, n.now().Add(ttl))
		n.host.Peerstore().AddAddrs(ai.ID, ai.Addrs, ttl)
		n.host.ConnManager().Protect(ai.ID, "via")
		n.dialAsync(ai)
	}
	id := make([]byte, 16)
	rand.Read(id)
	expires := n.now().Add(ttl)
	inv := wire.Invite{Hood: hid, HoodName: hname, ID: id, Role: role, Expires: expires.UnixMilli(),
		Issuer: n.pub(), Addrs: n.inviteAddrs(via), Scope: scope}
	rec, err := wire.Sign(wire.KindInvite, &inv, n.cfg.Key)
	if err != nil {
		return InviteInfo{}, err
	}
	st, err := wire.Marshal(&inviteState{Rec: rec.Marshal(), Via: via})
	if err == nil {
		err = n.store.put(hid, bInvites, id, st)
	}
	if err != nil {
		return InviteInfo{}, fmt.Errorf("store invite: %w", err)
	}
	n.gater.openInvite(hex.EncodeToString(id), expires)
	return InviteInfo{ID: hex.EncodeToString(id), Code: wire.InviteCode(rec), Hood: hid, Role: role,
		Expires: expires.UTC()}, nil
}

// inviteAddrs lists where a joiner can find this node: via first, then relays' circuit addresses and our
// own, capped at wire.MaxAddrs.
func (n *Node) inviteAddrs(via []string) []string {
	out := append([]string(nil), via...)
	seen := map[string]bool{}
	for _, a := range out {
		seen[a] = true
	}
	add := func(a string) {
		if !seen[a] && len(out) < wire.MaxAddrs && len(a) <= wire.MaxAddr {
			seen[a] = true
			out = append(out, a)
		}
	}
	for _, a := range n.Addrs() { // our circuit addresses first: behind NAT they are the way in
		if isCircuit(a) {
			add(a.String())
		}
	}
	for _, r := range n.relayPeers() {
		for _, a := range reachable(n.host.Peerstore().Addrs(r)) {
			add(a.String() + "/p2p/" + r.String())
		}
	}
	for _, a := range reachable(n.Addrs()) {
		add(a.String())
	}
	return out
}

func isCircuit(a ma.Multiaddr) bool {
	_, err := a.ValueForProtocol(ma.P_CIRCUIT)
	return err == nil
}

// reachable drops loopback and link-local addresses, which no other machine can dial, unless they are
// all there is (nodes on one machine, as in tests and the demo).
func reachable(addrs []ma.Multiaddr) []ma.Multiaddr {
	var out []ma.Multiaddr
	for _, a := range addrs {
		if !manet.IsIPLoopback(a) && !manet.IsIP6LinkLocal(a) {
			out = append(out, a)
		}
	}
	if len(out) == 0 {
		return addrs
	}
	return out
}

// parseP2PAddrs parses full multiaddrs (ending in /p2p/ID) into address infos.
func parseP2PAddrs(addrs []string) ([]peer.AddrInfo, error) {
	var mas []ma.Multiaddr
	for _, s := range addrs {
		a, err := ma.NewMultiaddr(strings.TrimSpace(s))
		if err != nil {
			return nil, fmt.Errorf("%w: address %q: %w", ErrInvalid, s, err)
		}
		mas = append(mas, a)
	}
	infos, err := peer.AddrInfosFromP2pAddrs(mas...)
	if err != nil {
		return nil, fmt.Errorf("%w: addresses must end in /p2p/<peer ID>: %w", ErrInvalid, err)
	}
	return infos, nil
}

// claimInvite marks one of our invites used by member, atomically: the first claim wins. A repeated claim
// by the same member succeeds again (a retry after a lost answer).
func (n *Node) claimInvite(hood string, inv wire.Invite, member []byte) error {
	if n.now().UnixMilli() > inv.Expires {
		return fmt.Errorf("%w at %s", ErrInviteExpired, time.UnixMilli(inv.Expires).UTC().Format(time.RFC3339))
	}
	n.mu.RLock()
	h, ok := n.hoods[hood]
	revoked := ok && h.r.InviteRevoked(inv.ID)
	n.mu.RUnlock()
	if !ok {
		return ErrUnknownHood
	}
	if revoked {
		return ErrInviteRevoked
	}
	return n.store.db.Update(func(tx *bolt.Tx) error {
		b, err := hoodBucket(tx, hood, false)
		if err != nil || b == nil {
			return ErrUnknownHood
		}
		raw := b.Bucket(bInvites).Get(inv.ID)
		if raw == nil {
			return fmt.Errorf("%w: this steward did not issue it", ErrInvalid)
		}
		var st inviteState
		if err := wire.Unmarshal(raw, &st); err != nil {
			return err
		}
		if st.UsedBy != nil {
			if string(st.UsedBy) == string(member) {
				return nil
			}
			return ErrInviteUsed
		}
		st.UsedBy = member
		v, err := wire.Marshal(&st)
		if err != nil {
			return err
		}
		return b.Bucket(bInvites).Put(inv.ID, v)
	})
}

// loadOpenInvites tells the gater about the unexpired invites we issued (after a restart).
func (n *Node) loadOpenInvites() {
	for _, hood := range n.store.hoodIDs() {
		n.store.each(hood, bInvites, func(k, v []byte) error {
			var st inviteState
			var inv wire.Invite
			if wire.Unmarshal(v, &st) != nil {
				return nil
			}
			if rec, err := wire.Decode(st.Rec); err == nil && rec.Open(wire.KindInvite, &inv) == nil {
				if exp := time.UnixMilli(inv.Expires); exp.After(n.now()) {
					n.gater.openInvite(hex.EncodeToString(k), exp)
				}
			}
			return nil
		})
	}
}
