package federation

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/libp2p/go-libp2p/core/network"

	"github.com/porchlight/porchlight/federation/deliver"
	"github.com/porchlight/porchlight/federation/roster"
	"github.com/porchlight/porchlight/federation/wire"
)

// The egress rule. Footage leaves this node through sendFootage only, and only against a grant the owner
// signed: a share (an alert of ours with a clip attached, for the members of its hood) or an approval (one
// clip, for the one agency it names). sendFootage checks the grant against the stream's remote peer
// itself, so no caller can point it at anyone else. Every other read of footage (hashing an attachment,
// exporting an approved clip for sealing, a local preview) goes through exportLocal, whose writer is
// never a stream. This file is the only one that calls ClipSource.WriteClip or deliver.Send; a test
// checks that.

// grant is the owner's signed consent for footage to leave: exactly one of share and approval is set.
type grant struct {
	hood     string
	share    *wire.ClipRef // an attachment of our alert in hood
	approval *wire.Approval
	rec      wire.Signed // the signed alert or approval
	sealed   string      // for an approval: the sealed clip to send
}

// sendFootage sends the footage a grant allows to the stream's remote peer, or nothing if the grant does
// not name that peer. For an approval it returns the agency's receipt.
func (n *Node) sendFootage(ctx context.Context, s network.Stream, g grant) ([]byte, error) {
	remote := s.Conn().RemotePeer()
	switch {
	case g.share != nil:
		if g.rec.Verify(n.pub()) != nil || !n.isHoodMember(g.hood, remote) {
			return nil, fmt.Errorf("%w: %s may not have this clip", ErrNotMember, remote)
		}
		c := g.share
		_, err := n.cfg.Clips.WriteClip(ctx, c.Camera, time.UnixMilli(c.Start), time.UnixMilli(c.End), s)
		return nil, err
	case g.approval != nil:
		to, err := roster.PeerOf(g.approval.Recipient)
		if err != nil || to != remote || string(g.approval.Owner) != string(n.pub()) || g.rec.Verify(n.pub()) != nil {
			return nil, fmt.Errorf("%w: the approval does not name %s", ErrInvalid, remote)
		}
		f, err := os.Open(g.sealed)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		var sum [32]byte
		copy(sum[:], g.approval.CipherSHA256)
		offer := deliver.Offer{ID: deliver.IDOf(sum), Manifest: g.rec.Marshal(), Size: g.approval.CipherSize,
			SHA256: g.approval.CipherSHA256}
		return deliver.Send(ctx, s, offer, f)
	}
	return nil, fmt.Errorf("%w: no grant", ErrInvalid)
}

// SendApproved sends the sealed clip of an approval the owner (this node) signed to the stream's peer, if
// that is the agency the approval names, and returns the agency's receipt: the agency-request side's one
// way to send footage.
func (n *Node) SendApproved(ctx context.Context, s network.Stream, a *wire.Approval, rec wire.Signed, sealed string) ([]byte, error) {
	return n.sendFootage(ctx, s, grant{hood: a.Hood, approval: a, rec: rec, sealed: sealed})
}

// ExportLocal is exportLocal for the agency-request side, which seals an approved clip to a local file.
func (n *Node) ExportLocal(ctx context.Context, camera string, start, end time.Time, w io.Writer) (int64, error) {
	return n.exportLocal(ctx, camera, start, end, w)
}

// exportLocal writes a camera's [start, end) as MP4 to w, which stays on this machine: a hash, a file in
// the data dir, the owner's own download.
func (n *Node) exportLocal(ctx context.Context, camera string, start, end time.Time, w io.Writer) (int64, error) {
	if n.cfg.Clips == nil {
		return 0, fmt.Errorf("%w: this node records no cameras", ErrInvalid)
	}
	return n.cfg.Clips.WriteClip(ctx, camera, start, end, w)
}
