package federation

import (
	"context"
	"fmt"

	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/protocol"
	bolt "go.etcd.io/bbolt"

	"github.com/porchlight/porchlight/federation/roster"
	"github.com/porchlight/porchlight/federation/wire"
)

// The hood core as a feature with its own state sees it (the agency-request side): credentials and
// membership, publishing, streams and served protocols, the database, the rejection counter; and the
// hooks by which the core hands that feature what arrives for it on the gossip topic and in sync.

// Requests is the agency-request side as the core's topic, sync and join see it.
type Requests interface {
	// CheckNotice validates a request notice gossiped on a hood's topic by author; what it returns is
	// handed to TakeNotice once gossipsub delivers the message. A *roster.Refusal error is counted under
	// its reason.
	CheckNotice(hood string, rec wire.Signed, author peer.ID) (any, error)
	TakeNotice(checked any)
	// SyncNotices is what a sync answer for a hood carries besides the roster and alerts.
	SyncNotices(hood string) (notices, checkpoints [][]byte)
	// TakeSynced takes the notices and checkpoints of a sync answer from a member.
	TakeSynced(hood string, from peer.ID, notices, checkpoints [][]byte)
	// Recipient is the encryption key an agency invite is claimed with.
	Recipient() (string, error)
}

type requestsHook struct{ Requests }

// SetRequests makes r the node's agency-request side. Until it is set, request notices gossiped to the
// node are refused and counted under the reason "no-agency" (notices in a sync answer are not taken):
// a node that has one attaches it in New (Config.AttachRequests), before its host starts. Tests also
// swap it on a running node.
func (n *Node) SetRequests(r Requests) { n.reqs.Store(&requestsHook{r}) }

// requests returns the agency-request side, or nil.
func (n *Node) requests() Requests {
	if h := n.reqs.Load(); h != nil {
		return h.Requests
	}
	return nil
}

// Roster runs fn with a hood's roster ("" or "-" is the only hood) under the node's read lock; fn must
// only read it and must not call back into the node.
func (n *Node) Roster(hood string, fn func(r *roster.Roster)) error {
	n.mu.RLock()
	defer n.mu.RUnlock()
	h, err := n.resolveHood(hood)
	if err != nil {
		return err
	}
	fn(h.r)
	return nil
}

// Rosters runs fn with the roster of every hood the node is in, as Roster does.
func (n *Node) Rosters(fn func(r *roster.Roster)) {
	n.mu.RLock()
	defer n.mu.RUnlock()
	for _, h := range n.hoods {
		fn(h.r)
	}
}

// IsMember reports whether p is an active member of any hood the node is in.
func (n *Node) IsMember(p peer.ID) bool { return n.isMember(p) }

// IsHoodMember reports whether p is an active member of the hood.
func (n *Node) IsHoodMember(hood string, p peer.ID) bool { return n.isHoodMember(hood, p) }

// Publish sends a record to a hood's topic; the node's own validator checks it first.
func (n *Node) Publish(hood string, rec wire.Signed) error { return n.publish(hood, rec) }

// OpenStream opens a stream to a member (see openTo).
func (n *Node) OpenStream(ctx context.Context, p peer.ID, proto string) (network.Stream, error) {
	return n.openTo(ctx, p, proto)
}

// Handle serves a stream protocol. Only members reach it unless guests is set, when the handler decides
// what a guest may have (see setHandlers). Called before the host starts (from AttachRequests), it is
// registered as the host starts.
func (n *Node) Handle(proto string, guests bool, serve network.StreamHandler) {
	if !guests {
		serve = n.membersOnly(proto, serve)
	}
	if n.host == nil {
		n.early = append(n.early, earlyHandler{protocol.ID(proto), serve})
		return
	}
	n.host.SetStreamHandler(protocol.ID(proto), serve)
}

// earlyHandler is a protocol handled before the host started.
type earlyHandler struct {
	proto protocol.ID
	serve network.StreamHandler
}

// Reject counts a refusal of something p sent under reason (porchlight_hood_rejected_total) and logs the
// first of each peer and reason.
func (n *Node) Reject(p peer.ID, reason, detail string) { n.rejects.reject(p, reason, detail) }

// DB is the node's database, for the buckets a feature keeps in it.
func (n *Node) DB() *bolt.DB { return n.store.db }

// errNoRequests is the error of an agency invite's claim on a node without an agency-request side.
var errNoRequests = fmt.Errorf("%w: this node has no agency side to claim an agency invite with", ErrInvalid)
