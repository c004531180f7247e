package federation

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"time"

	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/protocol"

	"github.com/porchlight/porchlight/federation/wire"
)

// The clip protocol is the one path by which this package sends footage: a member asks the author of an
// alert for the clip the author attached to it, by alert ID, and nothing else.

type clipRequest struct {
	Hood  string `cbor:"1,keyasint"`
	Alert string `cbor:"2,keyasint"`
}

type clipHeader struct {
	Error string `cbor:"1,keyasint,omitempty"`
	Size  int64  `cbor:"2,keyasint,omitempty"`
}

const clipTimeout = 10 * time.Minute

// serveClip streams an attached clip of one of our own alerts to a member of the alert's hood.
func (n *Node) serveClip(s network.Stream) {
	defer s.Close()
	s.SetDeadline(time.Now().Add(clipTimeout))
	remote := s.Conn().RemotePeer()
	var req clipRequest
	if err := newFrameReader(s).read(&req); err != nil {
		n.rejects.reject(remote, "clip", err.Error())
		s.Reset()
		return
	}
	ref, err := n.ownClip(req.Hood, req.Alert, remote)
	if err != nil {
		n.rejects.reject(remote, "clip", err.Error())
		writeFrame(s, &clipHeader{Error: err.Error()})
		return
	}
	if err := writeFrame(s, &clipHeader{Size: ref.Size}); err != nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), clipTimeout)
	defer cancel()
	if _, err := n.cfg.Clips.WriteClip(ctx, ref.Camera, time.UnixMilli(ref.Start), time.UnixMilli(ref.End), s); err != nil {
		n.log.Warn("serve clip", "alert", req.Alert, "peer", remote, "err", err)
		s.Reset()
		return
	}
	n.metrics.clipsServed.Inc()
}

// ownClip finds the clip attached to one of our alerts, for a member of its hood.
func (n *Node) ownClip(hoodID, alertID string, requester peer.ID) (*wire.ClipRef, error) {
	if !n.isHoodMember(hoodID, requester) {
		return nil, fmt.Errorf("%w: %s", ErrNotMember, requester)
	}
	rec, a, err := openAlert(n.store.alertByID(hoodID, alertID))
	if err != nil {
		return nil, fmt.Errorf("%w: alert %s", ErrNotFound, alertID)
	}
	if string(a.Author) != string(n.pub()) || a.Clip == nil || rec.ID() != alertID || n.cfg.Clips == nil {
		return nil, fmt.Errorf("%w: alert %s has no clip of ours", ErrNotFound, alertID)
	}
	return a.Clip, nil
}

// FetchClip fetches the clip attached to an alert from its author, checks its size and SHA-256 against
// the signed alert, and writes it to w. The author may be reached directly, by a hole-punched connection
// or through a relay.
func (n *Node) FetchClip(ctx context.Context, alertID string, w io.Writer) (int64, error) {
	ref, author, hoodID, err := n.clipRef(alertID)
	if err != nil {
		return 0, err
	}
	if author == n.self {
		return n.cfg.Clips.WriteClip(ctx, ref.Camera, time.UnixMilli(ref.Start), time.UnixMilli(ref.End), w)
	}
	ctx, cancel := context.WithTimeout(ctx, clipTimeout)
	defer cancel()
	s, err := n.openTo(ctx, author, protoClip)
	if err != nil {
		return 0, err
	}
	defer s.Close()
	s.SetDeadline(time.Now().Add(clipTimeout))
	if err := writeFrame(s, &clipRequest{Hood: hoodID, Alert: alertID}); err != nil {
		return 0, fmt.Errorf("%w: author %s: %w", ErrUnreachable, author, err)
	}
	fr := newFrameReader(s)
	var hdr clipHeader
	if err := fr.read(&hdr); err != nil {
		return 0, fmt.Errorf("%w: author %s: %w", ErrUnreachable, author, err)
	}
	if hdr.Error != "" {
		return 0, fmt.Errorf("%w: the author refused: %s", ErrNotFound, hdr.Error)
	}
	if hdr.Size != ref.Size {
		return 0, fmt.Errorf("%w: clip is %d bytes, the alert says %d", ErrInvalid, hdr.Size, ref.Size)
	}
	hash := sha256.New()
	got, err := io.Copy(io.MultiWriter(w, hash), io.LimitReader(s, ref.Size))
	if err != nil || got != ref.Size {
		return got, fmt.Errorf("%w: clip from %s ended after %d of %d bytes: %v", ErrUnreachable, author, got, ref.Size, err)
	}
	if !bytes.Equal(hash.Sum(nil), ref.SHA256) {
		return got, fmt.Errorf("%w: clip from %s does not match the alert's hash", ErrInvalid, author)
	}
	n.metrics.clipsFetched.Inc()
	return got, nil
}

// clipRef finds an alert with a clip in any hood.
func (n *Node) clipRef(alertID string) (*wire.ClipRef, peer.ID, string, error) {
	n.mu.RLock()
	var ids []string
	for id := range n.hoods {
		ids = append(ids, id)
	}
	n.mu.RUnlock()
	for _, id := range ids {
		if b := n.store.alertByID(id, alertID); b != nil {
			_, a, err := openAlert(b)
			if err != nil || a.Clip == nil {
				return nil, "", "", fmt.Errorf("%w: alert %s has no clip", ErrNotFound, alertID)
			}
			author, err := peerOf(a.Author)
			return a.Clip, author, id, err
		}
	}
	return nil, "", "", fmt.Errorf("%w: alert %s", ErrNotFound, alertID)
}

// openTo opens a stream to a member, preferring a direct connection: when only a relayed one exists it
// gives hole punching a moment before using the relay.
func (n *Node) openTo(ctx context.Context, p peer.ID, proto string) (network.Stream, error) {
	if n.host.Network().Connectedness(p) != network.Connected {
		if err := n.host.Connect(network.WithAllowLimitedConn(ctx, "fetch"), n.host.Peerstore().PeerInfo(p)); err != nil {
			return nil, fmt.Errorf("%w: %s: %w", ErrUnreachable, p, err)
		}
	}
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if online, relayed := n.connState(p); online && !relayed {
			break
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
	s, err := n.host.NewStream(network.WithAllowLimitedConn(ctx, "fetch"), p, protocol.ID(proto))
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrUnreachable, p, err)
	}
	return s, nil
}
