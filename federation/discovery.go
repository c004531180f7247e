package federation

import (
	"context"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/libp2p/go-libp2p/core/event"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/p2p/discovery/mdns"
	ma "github.com/multiformats/go-multiaddr"

	"github.com/porchlight/porchlight/federation/wire"
)

// Finding members: the addresses an invite carried, the addresses members last had (kept in the store),
// the addresses other members report during sync (the federation node is where everyone meets), mDNS on
// the LAN, and relays for members behind NAT. Dialling goes through the gater, so only members are dialled.

const mdnsService = "_porchlight._udp"

func (n *Node) startMDNS(ctx context.Context) {
	if !n.cfg.MDNS {
		return
	}
	svc := mdns.NewMdnsService(n.host, mdnsService, mdnsNotifee{n})
	if err := svc.Start(); err != nil {
		n.log.Warn("mdns", "err", err)
		return
	}
	n.wg.Add(1)
	go func() {
		defer n.wg.Done()
		<-ctx.Done() // Run's: Run waits for this goroutine
		svc.Close()
	}()
}

type mdnsNotifee struct{ n *Node }

func (m mdnsNotifee) HandlePeerFound(ai peer.AddrInfo) {
	if ai.ID != m.n.self && m.n.isMember(ai.ID) {
		m.n.host.Peerstore().AddAddrs(ai.ID, ai.Addrs, time.Hour)
		m.n.dialAsync(ai)
	}
}

func (n *Node) dialAsync(ai peer.AddrInfo) {
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		n.host.Connect(ctx, ai)
	}()
}

// discoverLoop redials members we are not connected to, from what we know of their addresses, every
// DiscoverInterval and as soon as a sync taught us new addresses.
func (n *Node) discoverLoop(ctx context.Context) {
	n.loadKnownAddrs()
	for {
		n.dialMembers(ctx)
		select {
		case <-ctx.Done():
			return
		case <-n.discoverKick:
		case <-time.After(n.cfg.DiscoverInterval):
		}
	}
}

func (n *Node) kickDiscover() {
	select {
	case n.discoverKick <- struct{}{}:
	default:
	}
}

// loadKnownAddrs puts remembered member addresses and stored invite addresses into the peerstore.
func (n *Node) loadKnownAddrs() {
	for id, addrs := range n.store.peerAddrs() {
		p, err := peer.Decode(id)
		if err != nil {
			continue
		}
		for _, s := range addrs {
			if a, err := ma.NewMultiaddr(s); err == nil {
				n.host.Peerstore().AddAddr(p, a, 24*time.Hour)
			}
		}
	}
	for _, hood := range n.store.hoodIDs() {
		var boot []string
		if wire.Unmarshal(n.store.get(hood, bMeta, []byte("boot")), &boot) != nil {
			continue
		}
		if infos, err := parseP2PAddrs(boot); err == nil {
			for _, ai := range infos {
				n.host.Peerstore().AddAddrs(ai.ID, ai.Addrs, 24*time.Hour)
			}
		}
	}
}

// Gossip needs a handful of peers per topic, not all of them: beyond memberTarget connected members a
// node stops dialling more (others still connect to it), which keeps a large hood from building a full
// mesh of connections that the connection manager would then trim.
const (
	memberTarget = 16
	dialWorkers  = 8
)

// dialMembers connects to members we know addresses of, in random order, until memberTarget are
// connected; relays (agency nodes) always, since members behind NAT are reached through them.
func (n *Node) dialMembers(ctx context.Context) {
	var others []peer.ID
	n.mu.RLock()
	for _, h := range n.hoods {
		for id := range h.r.Members() {
			if id != n.self && h.r.Active(id) {
				others = append(others, id)
			}
		}
	}
	n.mu.RUnlock()
	rand.Shuffle(len(others), func(i, j int) { others[i], others[j] = others[j], others[i] })
	connected := 0
	var todo []peer.ID
	for _, p := range others {
		if n.host.Network().Connectedness(p) == network.Connected {
			connected++
		} else if len(n.host.Peerstore().Addrs(p)) > 0 {
			todo = append(todo, p)
		}
	}
	relays := n.relayPeers()
	for _, r := range relays {
		n.host.ConnManager().Protect(r, "relay") // members behind NAT depend on it
	}
	todo = append(relays, todo[:min(len(todo), max(memberTarget-connected, 0))]...)
	work := make(chan peer.ID)
	var wg sync.WaitGroup
	for range dialWorkers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range work {
				if n.host.Network().Connectedness(p) != network.Connected {
					cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
					n.host.Connect(cctx, n.host.Peerstore().PeerInfo(p))
					cancel()
				}
			}
		}()
	}
	for _, p := range todo {
		if ctx.Err() != nil {
			break
		}
		work <- p
	}
	close(work)
	wg.Wait()
}

// watchPeers counts peers and remembers members' addresses once identified.
func (n *Node) watchPeers(ctx context.Context) {
	sub, err := n.host.EventBus().Subscribe([]any{new(event.EvtPeerConnectednessChanged),
		new(event.EvtPeerIdentificationCompleted), new(event.EvtLocalAddressesUpdated)})
	if err != nil {
		n.log.Warn("event bus", "err", err)
		return
	}
	defer sub.Close()
	for {
		select {
		case <-ctx.Done():
			return
		case e := <-sub.Out():
			switch e := e.(type) {
			case event.EvtPeerConnectednessChanged: // syncs start when the member joins our topic (watchTopic)
				n.metrics.peers.Set(float64(len(n.host.Network().Peers())))
			case event.EvtPeerIdentificationCompleted:
				if n.isMember(e.Peer) {
					n.rememberAddrs(e.Peer)
				}
			case event.EvtLocalAddressesUpdated:
				n.log.Debug("addresses changed", "addrs", n.host.Addrs())
			}
		}
	}
}

func (n *Node) rememberAddrs(p peer.ID) {
	var addrs []string
	for _, a := range n.host.Peerstore().Addrs(p) {
		addrs = append(addrs, a.String())
	}
	if len(addrs) > 0 {
		n.store.putPeerAddrs(p.String(), addrs)
	}
}

// guestLoop closes connections of guests whose period is over.
func (n *Node) guestLoop(ctx context.Context) {
	t := time.NewTicker(n.cfg.GuestPeriod / 4)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			for _, p := range n.gater.expireGuests(n.cfg.GuestPeriod) {
				n.host.Network().ClosePeer(p)
			}
		}
	}
}

// pruneLoop deletes alerts past AlertRetention, hourly.
func (n *Node) pruneLoop(ctx context.Context) {
	for {
		for _, id := range n.store.hoodIDs() {
			if _, err := n.store.pruneAlerts(id, n.now().Add(-AlertRetention).UnixMilli()); err != nil {
				n.log.Warn("prune alerts", "hood", id, "err", err)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Hour):
		}
	}
}
