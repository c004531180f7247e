package federation

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"hash"
	"io"
	"time"

	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/protocol"

	"github.com/porchlight/porchlight/federation/roster"
	"github.com/porchlight/porchlight/federation/wire"
)

// The clip protocol: a member asks the author of an alert for the clip the author attached to it, by alert
// ID, and nothing else. The author answers through sendFootage (egress.go) with the alert as its grant.

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
	if err := wire.NewFrameReader(s, maxFrame).Read(&req); err != nil {
		n.rejects.reject(remote, "clip", err.Error())
		s.Reset()
		return
	}
	ref, rec, err := n.ownClip(req.Hood, req.Alert, remote)
	if err != nil {
		n.rejects.reject(remote, "clip", err.Error())
		wire.WriteFrame(s, &clipHeader{Error: err.Error()})
		return
	}
	if err := wire.WriteFrame(s, &clipHeader{Size: ref.Size}); err != nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), clipTimeout)
	defer cancel()
	if _, err := n.sendFootage(ctx, s, grant{hood: req.Hood, share: ref, rec: rec}); err != nil {
		n.log.Warn("serve clip", "alert", req.Alert, "peer", remote, "err", err)
		s.Reset()
		return
	}
	n.metrics.clipsServed.Inc()
}

// ownClip finds the clip attached to one of our alerts, for a member of its hood.
func (n *Node) ownClip(hoodID, alertID string, requester peer.ID) (*wire.ClipRef, wire.Signed, error) {
	if !n.isHoodMember(hoodID, requester) {
		return nil, wire.Signed{}, fmt.Errorf("%w: %s", ErrNotMember, requester)
	}
	rec, a, err := openAlert(n.store.alertByID(hoodID, alertID))
	if err != nil {
		return nil, rec, fmt.Errorf("%w: alert %s", ErrNotFound, alertID)
	}
	if string(a.Author) != string(n.pub()) || a.Clip == nil || rec.ID() != alertID || n.cfg.Clips == nil {
		return nil, rec, fmt.Errorf("%w: alert %s has no clip of ours", ErrNotFound, alertID)
	}
	return a.Clip, rec, nil
}

// FetchClip fetches the clip attached to an alert from its author (OpenClip) and writes it to w.
func (n *Node) FetchClip(ctx context.Context, alertID string, w io.Writer) (int64, error) {
	r, _, err := n.OpenClip(ctx, alertID)
	if err != nil {
		return 0, err
	}
	defer r.Close()
	return io.Copy(w, r)
}

// OpenClip asks the author of an alert for its attached clip and returns the stream and its size. The
// author may be reached directly, by a hole-punched connection or through a relay. The reader checks
// size and SHA-256 against the signed alert: a clip that does not match ends in an error, not io.EOF.
func (n *Node) OpenClip(ctx context.Context, alertID string) (io.ReadCloser, int64, error) {
	ref, author, hoodID, err := n.clipRef(alertID)
	if err != nil {
		return nil, 0, err
	}
	if author == n.self {
		pr, pw := io.Pipe()
		go func() {
			_, err := n.exportLocal(ctx, ref.Camera, time.UnixMilli(ref.Start), time.UnixMilli(ref.End), pw)
			pw.CloseWithError(err)
		}()
		return pr, ref.Size, nil
	}
	s, err := n.openTo(ctx, author, protoClip)
	if err != nil {
		return nil, 0, err
	}
	fail := func(err error) (io.ReadCloser, int64, error) {
		s.Reset()
		return nil, 0, err
	}
	s.SetDeadline(time.Now().Add(clipTimeout))
	if err := wire.WriteFrame(s, &clipRequest{Hood: hoodID, Alert: alertID}); err != nil {
		return fail(fmt.Errorf("%w: author %s: %w", ErrUnreachable, author, err))
	}
	var hdr clipHeader
	if err := wire.NewFrameReader(s, maxFrame).Read(&hdr); err != nil {
		return fail(fmt.Errorf("%w: author %s: %w", ErrUnreachable, author, err))
	}
	if hdr.Error != "" {
		return fail(fmt.Errorf("%w: the author refused: %s", ErrNotFound, hdr.Error))
	}
	if hdr.Size != ref.Size {
		return fail(fmt.Errorf("%w: clip is %d bytes, the alert says %d", ErrInvalid, hdr.Size, ref.Size))
	}
	return &clipReader{s: s, r: io.LimitReader(s, ref.Size), hash: sha256.New(), ref: ref, n: n}, ref.Size, nil
}

// clipReader passes a clip through and checks it at the end.
type clipReader struct {
	s    network.Stream
	r    io.Reader
	hash hash.Hash
	ref  *wire.ClipRef
	got  int64
	n    *Node
}

func (c *clipReader) Read(p []byte) (int, error) {
	k, err := c.r.Read(p)
	c.hash.Write(p[:k])
	c.got += int64(k)
	if err == io.EOF {
		switch {
		case c.got != c.ref.Size:
			return k, fmt.Errorf("%w: clip ended after %d of %d bytes", ErrUnreachable, c.got, c.ref.Size)
		case !bytes.Equal(c.hash.Sum(nil), c.ref.SHA256):
			return k, fmt.Errorf("%w: clip does not match the alert's hash", ErrInvalid)
		}
		c.n.metrics.clipsFetched.Inc()
	}
	return k, err
}

func (c *clipReader) Close() error { return c.s.Close() }

// clipRef finds an alert with a clip in any hood.
func (n *Node) clipRef(alertID string) (*wire.ClipRef, peer.ID, string, error) {
	n.mu.RLock()
	var ids []string
	for id := range n.hoods {
		ids = append(ids, id)
	}
	n.mu.RUnlock()
	n.writer.flush()
	for _, id := range ids {
		if b := n.store.alertByID(id, alertID); b != nil {
			_, a, err := openAlert(b)
			if err != nil || a.Clip == nil {
				return nil, "", "", fmt.Errorf("%w: alert %s has no clip", ErrNotFound, alertID)
			}
			author, err := roster.PeerOf(a.Author)
			return a.Clip, author, id, err
		}
	}
	return nil, "", "", fmt.Errorf("%w: alert %s", ErrNotFound, alertID)
}

// openTo opens a stream to a member, preferring a direct connection: when it connects and finds only a
// relayed one it gives hole punching a moment before using the relay, once per punchRetry for each peer
// (a relay that cuts connections at its data limit must not cost that moment on every reconnection).
func (n *Node) openTo(ctx context.Context, p peer.ID, proto string) (network.Stream, error) {
	if n.host.Network().Connectedness(p) != network.Connected {
		if err := n.host.Connect(network.WithAllowLimitedConn(ctx, "fetch"), n.host.Peerstore().PeerInfo(p)); err != nil {
			return nil, fmt.Errorf("%w: %s: %w", ErrUnreachable, p, err)
		}
		if last, ok := n.punchWaits.Load(p); !ok || time.Since(last.(time.Time)) > punchRetry {
			n.punchWaits.Store(p, time.Now())
			if err := n.awaitDirect(ctx, p); err != nil {
				return nil, err
			}
		}
	}
	s, err := n.host.NewStream(network.WithAllowLimitedConn(ctx, "fetch"), p, protocol.ID(proto))
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrUnreachable, p, err)
	}
	return s, nil
}

// punchRetry is how often openTo waits for hole punching to the same peer.
const punchRetry = 10 * time.Minute

// awaitDirect waits up to 5 s for a direct connection to p to appear next to a relayed one.
func (n *Node) awaitDirect(ctx context.Context, p peer.ID) error {
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if online, relayed := n.connState(p); online && !relayed {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
	return nil
}
