package federation

import (
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"sort"
	"strings"
	"time"

	pubsub "github.com/libp2p/go-libp2p-pubsub"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	ma "github.com/multiformats/go-multiaddr"

	"github.com/porchlight/porchlight/federation/wire"
)

// hood is one neighborhood this node belongs to.
type hood struct {
	r       *roster
	self    wire.Signed // our certificate
	topic   *pubsub.Topic
	sub     *pubsub.Subscription
	events  *pubsub.TopicEventHandler
	stopSub func()
}

func (h *hood) close() {
	if h.stopSub != nil {
		h.stopSub()
	}
	if h.events != nil {
		h.events.Cancel() // before topic.Close, which refuses while handlers are registered
	}
	if h.sub != nil {
		h.sub.Cancel()
	}
	if h.topic != nil {
		h.topic.Close()
	}
}

// HoodInfo describes a hood this node is in.
type HoodInfo struct {
	ID, Name string
	Role     string // this node's role in it
	Steward  bool
	Members  int // active members
	Quorum   int // stewards whose signatures an agency's credential needs
}

// MemberInfo describes a member of a hood.
type MemberInfo struct {
	ID                             peer.ID
	Name, Role                     string
	Steward, Revoked, Online, Self bool
	Joined                         time.Time
	Relayed                        bool // connected only through a relay
}

func topicName(hood string) string { return "/porchlight/hood/" + hood + "/v1" }

// pub is this node's public key, its member key.
func (n *Node) pub() []byte { return n.cfg.Key.Public().(ed25519.PublicKey) }

const circuitCode = ma.P_CIRCUIT

// resolveHood finds a hood by ID ("" or "-" means the only one). Call with n.mu held.
func (n *Node) resolveHood(id string) (*hood, error) {
	if id == "" || id == "-" {
		switch len(n.hoods) {
		case 0:
			return nil, ErrNoHood
		case 1:
			for _, h := range n.hoods {
				return h, nil
			}
		default:
			return nil, ErrSeveralHoods
		}
	}
	h, ok := n.hoods[id]
	if !ok {
		return nil, fmt.Errorf("%w %s", ErrUnknownHood, id)
	}
	return h, nil
}

func (n *Node) info(h *hood) HoodInfo {
	active := 0
	for id := range h.r.members {
		if h.r.active(id) {
			active++
		}
	}
	var c wire.Cert
	h.self.Open(wire.KindCert, &c)
	return HoodInfo{ID: h.r.id, Name: h.r.genesis.Name, Role: c.Role, Steward: h.r.isSteward(n.pub()), Members: active,
		Quorum: h.r.genesis.Quorum()}
}

// Hoods lists the hoods this node is in, by name.
func (n *Node) Hoods() []HoodInfo {
	n.mu.RLock()
	defer n.mu.RUnlock()
	out := []HoodInfo{}
	for _, h := range n.hoods {
		out = append(out, n.info(h))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// CreateHood founds a hood with this node as its only steward and first member.
func (n *Node) CreateHood(name string) (HoodInfo, error) { return n.FoundHood(name, Founding{}) }

// Founding is how a hood is founded beyond its name.
type Founding struct {
	// CoStewards are the other stewards, by the peer IDs they print with `porchlight hood id`. They join
	// by an ordinary invite; being stewards follows from the genesis.
	CoStewards []peer.ID
	// AgencyQuorum is how many distinct stewards must sign an agency's credential: 1 to the number of
	// stewards; 0 means 2 with co-stewards, else 1.
	AgencyQuorum int
}

// FoundHood founds a hood with this node as its first steward and first member.
func (n *Node) FoundHood(name string, f Founding) (HoodInfo, error) {
	name = strings.TrimSpace(name)
	if name == "" || len(name) > wire.MaxName {
		return HoodInfo{}, fmt.Errorf("%w: hood name must be 1 to %d bytes", ErrInvalid, wire.MaxName)
	}
	stewards, quorum, err := n.founders(f)
	if err != nil {
		return HoodInfo{}, err
	}
	nonce := make([]byte, 16)
	rand.Read(nonce)
	g := wire.Genesis{Name: name, Stewards: stewards, Created: n.now().UnixMilli(), Nonce: nonce}
	if quorum > 1 { // 1 is the default: a hood of one steward keeps the genesis it always had
		g.AgencyQuorum = uint8(quorum)
	}
	grec, err := wire.Sign(wire.KindGenesis, &g, n.cfg.Key)
	if err != nil {
		return HoodInfo{}, err
	}
	r, err := newRoster(grec)
	if err != nil {
		return HoodInfo{}, err
	}
	self, err := wire.Sign(wire.KindCert, &wire.Cert{Hood: r.id, Member: n.pub(), Role: n.cfg.Role, Name: n.cfg.Name,
		Issued: n.now().UnixMilli(), Issuer: n.pub()}, n.cfg.Key)
	if err != nil {
		return HoodInfo{}, err
	}
	if err := n.addHood(grec, self, nil); err != nil {
		return HoodInfo{}, err
	}
	n.mu.RLock()
	defer n.mu.RUnlock()
	return n.info(n.hoods[r.id]), nil
}

// founders returns a genesis's stewards (this node first: it signs the genesis) and its agency quorum.
func (n *Node) founders(f Founding) ([][]byte, int, error) {
	stewards := [][]byte{n.pub()}
	seen := map[peer.ID]bool{n.self: true}
	for _, p := range f.CoStewards {
		if seen[p] {
			return nil, 0, fmt.Errorf("%w: co-steward %s listed twice or is this node", ErrInvalid, p)
		}
		seen[p] = true
		k, err := keyOf(p)
		if err != nil {
			return nil, 0, err
		}
		stewards = append(stewards, k)
	}
	if len(stewards) > maxStewards {
		return nil, 0, fmt.Errorf("%w: a hood has at most %d stewards", ErrInvalid, maxStewards)
	}
	q := f.AgencyQuorum
	if q == 0 {
		q = min(2, len(stewards))
	}
	if q < 1 || q > len(stewards) {
		return nil, 0, fmt.Errorf("%w: agency quorum must be 1 to %d (the stewards), not %d", ErrInvalid, len(stewards), q)
	}
	return stewards, q, nil
}

// maxStewards is what a genesis may list.
const maxStewards = 16

// Members lists a hood's members (revoked ones included, marked).
func (n *Node) Members(hoodID string) ([]MemberInfo, error) {
	n.mu.RLock()
	defer n.mu.RUnlock()
	h, err := n.resolveHood(hoodID)
	if err != nil {
		return nil, err
	}
	out := []MemberInfo{}
	for id, m := range h.r.members {
		_, rev := h.r.revMembers[id]
		mi := MemberInfo{ID: id, Name: m.cert.Name, Role: m.cert.Role, Steward: h.r.isSteward(m.cert.Member),
			Revoked: rev, Self: id == n.self, Joined: time.UnixMilli(m.cert.Issued).UTC()}
		if id != n.self {
			mi.Online, mi.Relayed = n.connState(id)
		}
		out = append(out, mi)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Joined.Before(out[j].Joined) })
	return out, nil
}

// connState reports whether we are connected to p, and whether only through a relay.
func (n *Node) connState(p peer.ID) (online, relayed bool) {
	conns := n.host.Network().ConnsToPeer(p)
	if len(conns) == 0 {
		return false, false
	}
	for _, c := range conns {
		if !c.Stat().Limited && !isRelayed(c) {
			return true, false
		}
	}
	return true, true
}

func isRelayed(c network.Conn) bool {
	_, err := c.RemoteMultiaddr().ValueForProtocol(circuitCode)
	return err == nil
}
