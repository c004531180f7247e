package federation

import (
	"sync"
	"time"

	"github.com/libp2p/go-libp2p/core/control"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	ma "github.com/multiformats/go-multiaddr"
)

// gater admits roster members. Guests (non-members) are let in only where someone may need to join: on
// a steward with open invites and on a public relay; they are dropped after the guest period. Peers we
// dial to join (an invite's issuer and relays) are allowed for the invite's lifetime.
type gater struct {
	n       *Node
	mu      sync.Mutex
	dials   map[peer.ID]time.Time // outbound allowed until
	guests  map[peer.ID]time.Time // admitted as guest at
	invites map[string]time.Time  // unexpired invites we issued (used ones too, to tell a joiner why): ID → expiry
}

func (g *gater) init() {
	if g.dials == nil {
		g.dials, g.guests, g.invites = map[peer.ID]time.Time{}, map[peer.ID]time.Time{}, map[string]time.Time{}
	}
}

func (g *gater) allowDial(p peer.ID, until time.Time) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.init()
	if until.After(g.dials[p]) {
		g.dials[p] = until
	}
}

func (g *gater) openInvite(id string, expires time.Time) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.init()
	g.invites[id] = expires
}

// takesGuests reports whether this node currently admits non-members.
func (g *gater) takesGuests() bool {
	if g.n.cfg.RelayService {
		return true
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	now := g.n.now()
	for id, exp := range g.invites {
		if now.After(exp) {
			delete(g.invites, id)
			continue
		}
		return true
	}
	return false
}

func (g *gater) forgetGuest(p peer.ID) {
	g.mu.Lock()
	defer g.mu.Unlock()
	delete(g.guests, p)
}

func (g *gater) isGuest(p peer.ID) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	_, ok := g.guests[p]
	return ok
}

func (g *gater) dialAllowed(p peer.ID) bool {
	if g.n.isMember(p) {
		return true
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.n.now().Before(g.dials[p])
}

func (g *gater) InterceptPeerDial(p peer.ID) bool { return g.dialAllowed(p) }

func (g *gater) InterceptAddrDial(peer.ID, ma.Multiaddr) bool { return true }

func (g *gater) InterceptAccept(network.ConnMultiaddrs) bool { return true }

func (g *gater) InterceptSecured(dir network.Direction, p peer.ID, addrs network.ConnMultiaddrs) bool {
	if g.dialAllowed(p) {
		return true
	}
	if dir == network.DirInbound && !g.n.isRevoked(p) && g.takesGuests() {
		g.mu.Lock()
		g.init()
		if _, ok := g.guests[p]; !ok {
			g.guests[p] = g.n.now()
		}
		g.mu.Unlock()
		return true
	}
	g.n.rejects.reject(p, "connect", "not a member")
	return false
}

func (g *gater) InterceptUpgraded(network.Conn) (bool, control.DisconnectReason) { return true, 0 }

// expireGuests returns guests whose period is over and forgets them; members are forgotten as guests.
func (g *gater) expireGuests(period time.Duration) []peer.ID {
	g.mu.Lock()
	defer g.mu.Unlock()
	var out []peer.ID
	now := g.n.now()
	for p, at := range g.guests {
		switch {
		case g.n.isMember(p):
			delete(g.guests, p)
		case now.Sub(at) > period:
			delete(g.guests, p)
			out = append(out, p)
		}
	}
	return out
}
