package federation

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	pubsub "github.com/libp2p/go-libp2p-pubsub"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/porchlight/porchlight/federation/roster"
	"github.com/porchlight/porchlight/federation/wire"
)

// Gossip windows: an alert older than gossipWindow arrives only by sync; one further in the future than
// maxSkew is refused.
const (
	meshSettle   = 2 * time.Second // two gossipsub heartbeats
	gossipWindow = 10 * time.Minute
	maxSkew      = roster.MaxSkew
)

// joinTopic subscribes to a hood's topic with its validator. Call without n.mu held: pubsub calls back
// into the peer filter, which takes it.
func (n *Node) joinTopic(h *hood) error {
	name := topicName(h.r.ID())
	hoodID := h.r.ID()
	if err := n.ps.RegisterTopicValidator(name, func(ctx context.Context, from peer.ID, m *pubsub.Message) pubsub.ValidationResult {
		return n.validateGossip(hoodID, from, m)
	}, pubsub.WithValidatorInline(true)); err != nil {
		return fmt.Errorf("hood %s: validator: %w", hoodID, err)
	}
	t, err := n.ps.Join(name)
	if err != nil {
		return fmt.Errorf("hood %s: join topic: %w", hoodID, err)
	}
	sub, err := t.Subscribe(pubsub.WithBufferSize(1024))
	if err != nil {
		t.Close()
		return fmt.Errorf("hood %s: subscribe: %w", hoodID, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	n.mu.Lock()
	h.topic, h.sub, h.stopSub = t, sub, func() {
		cancel()
		n.ps.UnregisterTopicValidator(name)
	}
	n.mu.Unlock()
	go n.readTopic(ctx, hoodID, sub)
	if ev, err := t.EventHandler(); err == nil {
		n.mu.Lock()
		h.events = ev
		n.mu.Unlock()
		go n.watchTopic(ctx, ev)
	}
	return nil
}

// watchTopic syncs with a member as soon as it is seen on the topic: an alert posted between our
// connection and the exchange of subscriptions reached the member by no gossip, but reaches it this way.
// It syncs once more meshSettle later: gossipsub (v0.19, no flood publishing) sends a publish only to mesh
// peers, and a member joins the mesh at the next heartbeat, so an alert posted in that second reaches a
// just-arrived member by neither gossip nor the first sync. Flood publishing would close the gap too, but
// it ignores the peer filter: a guest subscribed to the topic would get our alerts.
func (n *Node) watchTopic(ctx context.Context, ev *pubsub.TopicEventHandler) {
	for {
		e, err := ev.NextPeerEvent(ctx)
		if err != nil {
			return
		}
		if e.Type == pubsub.PeerJoin && n.isMember(e.Peer) {
			n.kickSync(e.Peer)
			p := e.Peer
			time.AfterFunc(meshSettle, func() {
				if ctx.Err() == nil {
					n.kickSync(p)
				}
			})
		}
	}
}

// readTopic takes what the validator accepted.
func (n *Node) readTopic(ctx context.Context, hoodID string, sub *pubsub.Subscription) {
	for {
		m, err := sub.Next(ctx)
		if err != nil {
			return
		}
		switch v := m.ValidatorData.(type) {
		case checkedNotice:
			if r := n.requests(); r != nil {
				r.TakeNotice(v.checked)
			}
		case wire.Signed:
			if v.Kind == wire.KindAlert {
				n.receiveAlert(hoodID, v)
			} // roster records were applied by the validator
		}
	}
}

// publish sends a record to a hood's topic.
func (n *Node) publish(hoodID string, rec wire.Signed) error {
	n.mu.RLock()
	h, ok := n.hoods[hoodID]
	n.mu.RUnlock()
	if !ok || h.topic == nil {
		return ErrUnknownHood
	}
	if err := h.topic.Publish(context.Background(), rec.Marshal()); err != nil {
		return fmt.Errorf("publish to hood %s: %w", hoodID, err)
	}
	return nil
}

// validateGossip is the topic validator: every message is checked before it is stored or forwarded.
func (n *Node) validateGossip(hoodID string, from peer.ID, m *pubsub.Message) pubsub.ValidationResult {
	local := from == n.self
	if len(m.Data) > wire.MaxRecord {
		return n.rejectMsg(from, "oversize", fmt.Errorf("%d bytes", len(m.Data)))
	}
	rec, err := wire.Decode(m.Data)
	if err != nil {
		if errors.Is(err, wire.ErrVersion) {
			return n.rejectMsg(from, "version", err)
		}
		return n.rejectMsg(from, "malformed", err)
	}
	switch rec.Kind {
	case wire.KindAlert:
		author := m.GetFrom()
		if err := n.checkAlert(hoodID, rec, author, gossipWindow, !local); err != nil {
			var r *rejection
			if errors.As(err, &r) && r.Reason == "replay" && local {
				m.ValidatorData = rec
				return pubsub.ValidationAccept
			}
			return n.rejectErr(from, err)
		}
	case wire.KindNotice:
		r := n.requests()
		if r == nil { // a node without the agency side neither takes nor passes on requests
			return n.rejectMsg(from, reasonNoAgency, errors.New("request notice on a node with no agency side"))
		}
		c, err := r.CheckNotice(hoodID, rec, m.GetFrom())
		if err != nil {
			var r *rejection
			if errors.As(err, &r) && r.Reason == "replay" && local {
				return pubsub.ValidationAccept // our own request, stored when posted
			}
			return n.rejectErr(from, err)
		}
		m.ValidatorData = checkedNotice{c}
		return pubsub.ValidationAccept
	case wire.KindCert, wire.KindRevocation:
		if _, err := n.applyRecord(hoodID, rec); err != nil {
			return n.rejectMsg(from, "roster", err)
		}
	default:
		return n.rejectMsg(from, "kind", fmt.Errorf("%s on the gossip topic", rec.Kind))
	}
	m.ValidatorData = rec
	return pubsub.ValidationAccept
}

// reasonNoAgency is the rejection reason of a request notice that reached a node with no agency side.
const reasonNoAgency = "no-agency"

// checkedNotice is a notice the agency-request side accepted, on its way to TakeNotice.
type checkedNotice struct{ checked any }

func (n *Node) rejectMsg(from peer.ID, reason string, err error) pubsub.ValidationResult {
	n.rejects.reject(from, reason, err.Error())
	return pubsub.ValidationReject
}

func (n *Node) rejectErr(from peer.ID, err error) pubsub.ValidationResult {
	var r *rejection
	if errors.As(err, &r) {
		return n.rejectMsg(from, r.Reason, r.Err)
	}
	return n.rejectMsg(from, "invalid", err)
}

// pubsubPeerFilter keeps non-members out of hood topics: gossipsub asks it before it meshes with, gossips
// to or serves a peer on a topic, so a non-member neither reads nor feeds the hood.
func (n *Node) pubsubPeerFilter(p peer.ID, topic string) bool {
	rest, okPrefix := strings.CutPrefix(topic, "/porchlight/hood/") // called per peer on every heartbeat
	hoodID, okSuffix := strings.CutSuffix(rest, "/v1")
	if !okPrefix || !okSuffix {
		return false
	}
	if n.isHoodMember(hoodID, p) {
		return true
	}
	n.rejects.rejectOnce(p, "subscribe", "not a member of "+hoodID) // runs on every heartbeat
	return false
}
