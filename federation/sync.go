package federation

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	ma "github.com/multiformats/go-multiaddr"

	"github.com/porchlight/porchlight/federation/roster"
	"github.com/porchlight/porchlight/federation/wire"
)

// Catch-up: gossip keeps no history, so a node asks a member for the roster, the members' addresses, the
// alerts since its last sync (bounded by CatchUpWindow) and the hood's open requests whenever it connects
// to one, and now and then.

type syncRequest struct {
	Hood   string `cbor:"1,keyasint"`
	Since  int64  `cbor:"2,keyasint"`           // unix ms
	Roster []byte `cbor:"3,keyasint,omitempty"` // digest of the roster the asker has; equal: not sent
}

type syncFrame struct {
	Roster [][]byte   `cbor:"1,keyasint,omitempty"`
	Alerts [][]byte   `cbor:"2,keyasint,omitempty"`
	Peers  []peerAddr `cbor:"3,keyasint,omitempty"`
	Done   bool       `cbor:"4,keyasint,omitempty"`
	// Notices are the hood's open agency requests; Checkpoints the latest checkpoint of each agency log
	// the sender accepted, so neighbors compare what the agencies showed them (federation/agency).
	Notices     [][]byte `cbor:"5,keyasint,omitempty"`
	Checkpoints [][]byte `cbor:"6,keyasint,omitempty"`
}

type peerAddr struct {
	ID    []byte   `cbor:"1,keyasint"` // peer ID bytes
	Addrs [][]byte `cbor:"2,keyasint"` // multiaddr bytes
}

const (
	syncAlertsPerFrame = 256
	syncMaxAlerts      = 20000
	syncOverlap        = 15 * time.Minute
	syncTimeout        = time.Minute
)

// serveSync answers a member's catch-up request for a hood both are in.
func (n *Node) serveSync(s network.Stream) {
	defer s.Close()
	s.SetDeadline(time.Now().Add(syncTimeout))
	remote := s.Conn().RemotePeer()
	var req syncRequest
	if err := wire.NewFrameReader(s, maxFrame).Read(&req); err != nil {
		n.rejects.reject(remote, "sync", err.Error())
		s.Reset()
		return
	}
	if !n.isHoodMember(req.Hood, remote) || !n.isHoodMember(req.Hood, n.self) {
		n.rejects.reject(remote, "sync-not-member", "hood "+req.Hood)
		s.Reset()
		return
	}
	n.mu.RLock()
	h := n.hoods[req.Hood]
	if h == nil { // left the hood since the membership check
		n.mu.RUnlock()
		s.Reset()
		return
	}
	first := syncFrame{Peers: n.memberAddrs(h.r)}
	if !bytes.Equal(req.Roster, h.r.Digest()) {
		first.Roster = encodeRecords(h.r.Records())
	}
	n.mu.RUnlock()
	if r := n.requests(); r != nil {
		first.Notices, first.Checkpoints = r.SyncNotices(req.Hood)
	}
	if err := wire.WriteFrame(s, &first); err != nil {
		return
	}
	since := max(req.Since, n.now().Add(-CatchUpWindow).UnixMilli())
	var batch [][]byte
	sent := 0
	var werr error
	n.store.alertsSince(req.Hood, since, func(rec []byte) bool {
		batch = append(batch, append([]byte(nil), rec...))
		sent++
		if len(batch) == syncAlertsPerFrame {
			werr = wire.WriteFrame(s, &syncFrame{Alerts: batch})
			batch = nil
		}
		return werr == nil && sent < syncMaxAlerts
	})
	if werr == nil {
		wire.WriteFrame(s, &syncFrame{Alerts: batch, Done: true})
	}
}

// memberAddrs lists the addresses of the hood's members we are connected to. Call with n.mu held.
func (n *Node) memberAddrs(r *roster.Roster) []peerAddr {
	var out []peerAddr
	for id := range r.Members() {
		if id == n.self || !r.Active(id) || n.host.Network().Connectedness(id) != network.Connected {
			continue
		}
		pa := peerAddr{ID: []byte(id)}
		for _, a := range n.host.Peerstore().Addrs(id) {
			pa.Addrs = append(pa.Addrs, a.Bytes())
		}
		out = append(out, pa)
	}
	return out
}

// syncWith catches up on every hood we share with p.
func (n *Node) syncWith(ctx context.Context, p peer.ID) {
	n.mu.RLock()
	var hoods []string
	for id, h := range n.hoods {
		if h.r.Active(p) {
			hoods = append(hoods, id)
		}
	}
	n.mu.RUnlock()
	for _, id := range hoods {
		if err := n.syncHood(ctx, p, id); err != nil {
			n.log.Debug("sync", "peer", p, "hood", id, "err", err)
		}
	}
}

func (n *Node) syncHood(ctx context.Context, p peer.ID, hoodID string) error {
	// One sync per hood at a time: the next one asks only for what came after this one.
	mu := n.hoodSyncLock(hoodID)
	mu.Lock()
	defer mu.Unlock()
	started := n.now()
	since := started.Add(-CatchUpWindow).UnixMilli()
	if last := n.lastSync(hoodID); last > 0 {
		since = max(since, last-syncOverlap.Milliseconds())
	}
	ctx, cancel := context.WithTimeout(ctx, syncTimeout)
	defer cancel()
	s, err := n.host.NewStream(network.WithAllowLimitedConn(ctx, "sync"), p, protoSync)
	if err != nil {
		return err
	}
	defer s.Close()
	s.SetDeadline(time.Now().Add(syncTimeout))
	n.mu.RLock()
	digest := n.hoods[hoodID].r.Digest()
	n.mu.RUnlock()
	if err := wire.WriteFrame(s, &syncRequest{Hood: hoodID, Since: since, Roster: digest}); err != nil {
		return err
	}
	r := wire.NewFrameReader(s, maxFrame)
	got := 0
	for {
		var f syncFrame
		if err := r.Read(&f); err != nil {
			return fmt.Errorf("sync from %s: %w", p, err)
		}
		for _, b := range f.Roster {
			if rec, err := wire.Decode(b); err == nil {
				n.applyRecord(hoodID, rec)
			}
		}
		n.learnPeers(f.Peers)
		if r := n.requests(); r != nil {
			r.TakeSynced(hoodID, p, f.Notices, f.Checkpoints)
		}
		var batch []storedAlert
		for _, b := range f.Alerts {
			if a, ok := n.acceptSynced(hoodID, p, b); ok {
				batch = append(batch, a)
			}
		}
		if len(batch) > 0 {
			got += n.storeAlerts(batch)
		}
		if f.Done {
			break
		}
	}
	n.setLastSync(hoodID, started.UnixMilli())
	if got > 0 {
		n.log.Info("caught up", "hood", hoodID, "peer", p, "alerts", got)
	}
	return nil
}

// acceptSynced validates an alert from a sync answer like a gossiped one (wider time window, no rate
// limit: the author's rate was checked when it was gossiped) and returns it to store.
func (n *Node) acceptSynced(hoodID string, from peer.ID, b []byte) (storedAlert, bool) {
	rec, err := wire.Decode(b)
	if err != nil {
		n.rejects.reject(from, "malformed", err.Error())
		return storedAlert{}, false
	}
	if err := n.checkAlert(hoodID, rec, "", CatchUpWindow, false); err != nil {
		if r, ok := err.(*rejection); ok && r.Reason == "replay" {
			return storedAlert{}, false // we have it: the expected overlap
		}
		n.rejectErr(from, err)
		return storedAlert{}, false
	}
	var a wire.Alert
	rec.Open(wire.KindAlert, &a)
	return storedAlert{hood: hoodID, id: rec.ID(), time: a.Time, rec: b}, true
}

// learnPeers adds members' addresses from a sync answer to the peerstore.
func (n *Node) learnPeers(peers []peerAddr) {
	for _, pa := range peers {
		id, err := peer.IDFromBytes(pa.ID)
		if err != nil || id == n.self || !n.isMember(id) {
			continue
		}
		for _, b := range pa.Addrs {
			if a, err := ma.NewMultiaddrBytes(b); err == nil {
				n.host.Peerstore().AddAddr(id, a, time.Hour)
			}
		}
	}
	if len(peers) > 0 {
		n.kickDiscover()
	}
}

// kickSync asks the sync loop to sync with p soon.
func (n *Node) kickSync(p peer.ID) {
	select {
	case n.syncKick <- p:
	default:
	}
}

// syncLoop syncs with peers as they connect or join a hood topic, and with a random member every
// SyncInterval. Kicks for a peer that is being synced with coalesce into one more sync after it.
func (n *Node) syncLoop(ctx context.Context) {
	t := time.NewTicker(n.cfg.SyncInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case p := <-n.syncKick:
			n.goSync(ctx, p)
		case <-t.C:
			peers := n.host.Network().Peers()
			rand.Shuffle(len(peers), func(i, j int) { peers[i], peers[j] = peers[j], peers[i] })
			for _, p := range peers {
				if n.isMember(p) {
					n.goSync(ctx, p)
					break
				}
			}
		}
	}
}

func (n *Node) goSync(ctx context.Context, p peer.ID) {
	n.syncMu.Lock()
	defer n.syncMu.Unlock()
	if _, running := n.syncing[p]; running {
		n.syncing[p] = true // once more when the current one ends
		return
	}
	n.syncing[p] = false
	n.wg.Add(1)
	go func() {
		defer n.wg.Done()
		for {
			n.syncWith(ctx, p)
			n.syncMu.Lock()
			again := n.syncing[p] && ctx.Err() == nil
			if !again {
				delete(n.syncing, p)
			} else {
				n.syncing[p] = false
			}
			n.syncMu.Unlock()
			if !again {
				return
			}
		}
	}()
}

// hoodSyncLock returns the mutex that serialises syncs of a hood.
func (n *Node) hoodSyncLock(hoodID string) *sync.Mutex {
	n.syncMu.Lock()
	defer n.syncMu.Unlock()
	mu, ok := n.hoodSyncs[hoodID]
	if !ok {
		mu = new(sync.Mutex)
		n.hoodSyncs[hoodID] = mu
	}
	return mu
}

// lastSyncSave is how often the time of the last sync is written to disk: syncs are frequent (one per
// member joining the topic), and losing a few seconds of it only widens the next sync's overlap.
const lastSyncSave = 30 * time.Second

// lastSync returns when a hood was last synced (unix ms), 0 when never.
func (n *Node) lastSync(hoodID string) int64 {
	n.syncMu.Lock()
	t, ok := n.lastSyncs[hoodID]
	n.syncMu.Unlock()
	if ok {
		return t
	}
	if b := n.store.get(hoodID, bMeta, []byte("lastsync")); len(b) == 8 {
		return int64(be64(b))
	}
	return 0
}

// setLastSync records a completed sync; it reaches the disk at most every lastSyncSave.
func (n *Node) setLastSync(hoodID string, t int64) {
	n.syncMu.Lock()
	n.lastSyncs[hoodID] = t
	save := time.Since(n.lastSyncSaved[hoodID]) > lastSyncSave
	if save {
		n.lastSyncSaved[hoodID] = time.Now()
	}
	n.syncMu.Unlock()
	if save {
		n.store.put(hoodID, bMeta, []byte("lastsync"), put64(uint64(t)))
	}
}
