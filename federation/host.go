package federation

import (
	"context"
	"fmt"
	"time"

	"github.com/libp2p/go-libp2p"
	pubsub "github.com/libp2p/go-libp2p-pubsub"
	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/p2p/host/autorelay"
	rcmgr "github.com/libp2p/go-libp2p/p2p/host/resource-manager"
	"github.com/libp2p/go-libp2p/p2p/net/connmgr"
	"github.com/libp2p/go-libp2p/p2p/protocol/circuitv2/relay"
	ma "github.com/multiformats/go-multiaddr"
)

// Resource budget of the libp2p host, sized for a Raspberry Pi that also records cameras.
const (
	// Caps, not allocations: scaled from libp2p's defaults, they allow ~128 inbound connections (a hood of
	// a hundred homes meeting at its steward) while a Pi 4 has memory to spare.
	hostMemory   = 256 << 20
	hostFDs      = 512
	connLow      = 48
	connHigh     = 96
	maxGossipMsg = 256 << 10 // larger than wire.MaxRecord so oversize alerts reach the validator and are counted
)

func (n *Node) startHost() error {
	priv, err := crypto.UnmarshalEd25519PrivateKey(n.cfg.Key)
	if err != nil {
		return fmt.Errorf("federation: node key: %w", err)
	}
	limits := rcmgr.DefaultLimits
	libp2p.SetDefaultServiceLimits(&limits)
	rm, err := rcmgr.NewResourceManager(rcmgr.NewFixedLimiter(limits.Scale(hostMemory, hostFDs)))
	if err != nil {
		return fmt.Errorf("federation: resource manager: %w", err)
	}
	cm, err := connmgr.NewConnManager(connLow, connHigh, connmgr.WithGracePeriod(time.Minute))
	if err != nil {
		return fmt.Errorf("federation: connection manager: %w", err)
	}
	opts := []libp2p.Option{
		libp2p.Identity(priv),
		libp2p.ListenAddrStrings(n.cfg.Listen...),
		libp2p.ResourceManager(rm),
		libp2p.ConnectionManager(cm),
		libp2p.BandwidthReporter(n.bw),
		libp2p.ConnectionGater(n.gater),
		libp2p.EnableHolePunching(),
		libp2p.EnableNATService(), // answer members' AutoNAT probes: how a node learns it is behind NAT
		libp2p.EnableRelay(),
		libp2p.EnableAutoRelayWithPeerSource(n.relayCandidates, autorelay.WithMinCandidates(1),
			autorelay.WithNumRelays(2), autorelay.WithBootDelay(0), autorelay.WithMinInterval(10*time.Second),
			autorelay.WithBackoff(time.Minute)),
		libp2p.DisableMetrics(),
		libp2p.UserAgent("porchlight"),
	}
	if len(n.cfg.Listen) == 0 {
		opts = append(opts, libp2p.NoListenAddrs)
	}
	switch n.cfg.Reachability {
	case ReachPublic:
		opts = append(opts, libp2p.ForceReachabilityPublic())
	case ReachPrivate:
		opts = append(opts, libp2p.ForceReachabilityPrivate())
	}
	if n.cfg.RelayService { // libp2p runs the relay only while it considers itself publicly reachable
		opts = append(opts, libp2p.EnableRelayService(relay.WithACL(relayACL{n}), relay.WithInfiniteLimits()))
	}
	if n.cfg.UPnP {
		opts = append(opts, libp2p.NATPortMap())
	}
	h, err := libp2p.New(opts...)
	if err != nil {
		return fmt.Errorf("federation: libp2p host (p2p.listen %v): %w", n.cfg.Listen, err)
	}
	n.host = h
	n.self = h.ID()
	psCtx, psCancel := context.WithCancel(context.Background())
	n.stopPubsub = psCancel
	n.ps, err = pubsub.NewGossipSub(psCtx, h,
		pubsub.WithPeerFilter(n.pubsubPeerFilter),
		pubsub.WithMaxMessageSize(maxGossipMsg),
		pubsub.WithSeenMessagesTTL(n.cfg.SeenTTL),
		pubsub.WithPeerExchange(n.cfg.RelayService))
	if err != nil {
		psCancel()
		h.Close()
		return fmt.Errorf("federation: gossipsub: %w", err)
	}
	n.setHandlers()
	for _, e := range n.early {
		h.SetStreamHandler(e.proto, e.serve)
	}
	n.early = nil
	n.mu.RLock()
	var hoods []*hood
	for _, hd := range n.hoods {
		hoods = append(hoods, hd)
	}
	n.mu.RUnlock()
	for _, hd := range hoods {
		if err := n.joinTopic(hd); err != nil {
			psCancel()
			h.Close()
			return err
		}
	}
	return nil
}

// relayCandidates feeds autorelay with the hoods' public relays (agency nodes) we know addresses of.
func (n *Node) relayCandidates(ctx context.Context, num int) <-chan peer.AddrInfo {
	ch := make(chan peer.AddrInfo, num)
	defer close(ch)
	for _, p := range n.relayPeers() {
		if len(ch) == num {
			break
		}
		ai := n.host.Peerstore().PeerInfo(p)
		if len(ai.Addrs) > 0 {
			ch <- ai
		}
	}
	return ch
}

// relayACL lets only members reserve a slot on our relay, and only lets anyone reach members through it.
type relayACL struct{ n *Node }

func (a relayACL) AllowReserve(p peer.ID, _ ma.Multiaddr) bool { return a.n.isMember(p) }
func (a relayACL) AllowConnect(_ peer.ID, _ ma.Multiaddr, dest peer.ID) bool {
	return a.n.isMember(dest)
}
