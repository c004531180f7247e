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

	"github.com/porchlight/porchlight/federation/roster"
	"github.com/porchlight/porchlight/federation/wire"
)

// hood is one neighborhood this node belongs to.
type hood struct {
	r       *roster.Roster
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
	for id := range h.r.Members() {
		if h.r.Active(id) {
			active++
		}
	}
	var c wire.Cert
	h.self.Open(wire.KindCert, &c)
	return HoodInfo{ID: h.r.ID(), Name: h.r.Genesis().Name, Role: c.Role, Steward: h.r.IsSteward(n.pub()), Members: active,
		Quorum: h.r.Quorum()}
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

// FoundHood founds a hood with this node as its first steward and first member.
func (n *Node) FoundHood(name string, f Founding) (HoodInfo, error) {
	name = strings.TrimSpace(name)
	if name == "" || len(name) > wire.MaxName {
		return HoodInfo{}, fmt.Errorf("%w: hood name must be 1 to %d bytes", ErrInvalid, wire.MaxName)
	}
	stewards, quorum, err := f.Stewards(n.pub())
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
	r, err := roster.New(grec)
	if err != nil {
		return HoodInfo{}, err
	}
	self, err := wire.Sign(wire.KindCert, &wire.Cert{Hood: r.ID(), Member: n.pub(), Role: n.cfg.Role, Name: n.cfg.Name,
		Issued: n.now().UnixMilli(), Issuer: n.pub()}, n.cfg.Key)
	if err != nil {
		return HoodInfo{}, err
	}
	if err := n.addHood(grec, self, nil); err != nil {
		return HoodInfo{}, err
	}
	n.mu.RLock()
	defer n.mu.RUnlock()
	return n.info(n.hoods[r.ID()]), nil
}

// Members lists a hood's members (revoked ones included, marked).
func (n *Node) Members(hoodID string) ([]MemberInfo, error) {
	n.mu.RLock()
	defer n.mu.RUnlock()
	h, err := n.resolveHood(hoodID)
	if err != nil {
		return nil, err
	}
	out := []MemberInfo{}
	for id, m := range h.r.Members() {
		mi := MemberInfo{ID: id, Name: m.Cert.Name, Role: m.Cert.Role, Steward: h.r.IsSteward(m.Cert.Member),
			Revoked: h.r.Revoked(id), Self: id == n.self, Joined: time.UnixMilli(m.Cert.Issued).UTC()}
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
