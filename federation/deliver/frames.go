package deliver

import (
	"encoding/hex"
	"fmt"
	"io"

	"github.com/libp2p/go-msgio"

	"github.com/porchlight/porchlight/federation/wire"
)

// Limits of the wire protocol.
const (
	// MaxFrame bounds one CBOR frame (everything but the body).
	MaxFrame = 64 << 10
	// MaxManifest bounds Offer.Manifest.
	MaxManifest = 16 << 10
	// MaxReason bounds Refuse.Reason; longer reasons are cut when sent.
	MaxReason = 1 << 10
)

// Offer is the sender's first frame: what it wants to deliver.
type Offer struct {
	// ID is the first 16 bytes of SHA256, in lowercase hex (IDOf).
	ID string `cbor:"1,keyasint"`
	// Manifest is the caller's signed description of the clip, opaque to this package.
	Manifest []byte `cbor:"2,keyasint"`
	// Size is the ciphertext's length in bytes.
	Size int64 `cbor:"3,keyasint"`
	// SHA256 is the ciphertext's SHA-256.
	SHA256 []byte `cbor:"4,keyasint"`
}

// NewOffer returns the offer for a ciphertext sealed with sums s, carrying manifest.
func NewOffer(manifest []byte, s Sums) Offer {
	return Offer{ID: s.ID(), Manifest: manifest, Size: s.CipherSize, SHA256: s.CipherSHA256[:]}
}

// IDOf returns the delivery ID of a ciphertext with SHA-256 sum: its first 16 bytes in lowercase hex.
func IDOf(sum [32]byte) string { return hex.EncodeToString(sum[:16]) }

// Check reports whether o is well formed and no larger than maxSize (maxSize ≤ 0: no limit). It does not
// look inside the manifest.
func (o Offer) Check(maxSize int64) error {
	switch {
	case len(o.SHA256) != 32:
		return fmt.Errorf("%w: sha256 is %d bytes, want 32", ErrBadOffer, len(o.SHA256))
	case o.ID != hex.EncodeToString(o.SHA256[:16]):
		return fmt.Errorf("%w: id %.40q is not the first 16 bytes of sha256 in lowercase hex", ErrBadOffer, o.ID)
	case o.Size < 0:
		return fmt.Errorf("%w: size %d is negative", ErrBadOffer, o.Size)
	case maxSize > 0 && o.Size > maxSize:
		return fmt.Errorf("%w: size %d is over the limit of %d", ErrTooLarge, o.Size, maxSize)
	case len(o.Manifest) > MaxManifest:
		return fmt.Errorf("%w: manifest is %d bytes, over the limit of %d", ErrBadOffer, len(o.Manifest), MaxManifest)
	}
	return nil
}

// Resume is the receiver's answer to an acceptable offer: it holds the first Have bytes already and wants
// the rest.
type Resume struct {
	Have int64 `cbor:"1,keyasint"`
}

// Refuse ends a delivery: the receiver will not take the offer (step 2) or did not keep the body (step 4).
type Refuse struct {
	Reason string `cbor:"1,keyasint"`
	// Later says the refusal is for now (the ID is being received on another stream, a storage error):
	// the sender should try again.
	Later bool `cbor:"2,keyasint,omitempty"`
}

// Done ends a delivery that the receiver kept, with its caller's receipt.
type Done struct {
	Receipt []byte `cbor:"1,keyasint"`
}

// reply is every receiver frame: exactly one field is set.
type reply struct {
	Resume *Resume `cbor:"1,keyasint,omitempty"`
	Refuse *Refuse `cbor:"2,keyasint,omitempty"`
	Done   *Done   `cbor:"3,keyasint,omitempty"`
}

// writeFrame writes v as one varint-prefixed CBOR frame, in one Write.
func writeFrame(w io.Writer, v any) error {
	b, err := wire.Marshal(v) // the strict, deterministic encoding of every record and frame
	if err != nil {
		return err
	}
	if len(b) > MaxFrame {
		return fmt.Errorf("deliver: frame of %d bytes is over the limit of %d", len(b), MaxFrame)
	}
	return msgio.NewVarintWriter(w).WriteMsg(b)
}

// readFrame reads one frame into v. It reads exactly the frame's bytes, so the body that may follow stays
// in r.
func readFrame(r io.Reader, v any) error {
	mr := msgio.NewVarintReaderSize(r, MaxFrame)
	b, err := mr.ReadMsg()
	if err != nil {
		return err
	}
	defer mr.ReleaseMsg(b)
	if err := wire.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%w: %w", ErrProtocol, err)
	}
	return nil
}

// readOffer reads the sender's offer; it checks the encoding, not the content (Offer.Check).
func readOffer(r io.Reader) (Offer, error) {
	var o Offer
	err := readFrame(r, &o)
	return o, err
}

// readResume reads the answer to an offer for size bytes: the number of bytes to skip, or a refusal.
func readResume(r io.Reader, size int64) (have int64, err error) {
	var rep reply
	if err := readFrame(r, &rep); err != nil {
		return 0, err
	}
	switch {
	case rep.Refuse != nil && rep.Resume == nil && rep.Done == nil:
		return 0, &RefusedError{Reason: rep.Refuse.Reason, Later: rep.Refuse.Later}
	case rep.Resume != nil && rep.Refuse == nil && rep.Done == nil:
		if h := rep.Resume.Have; h < 0 || h > size {
			return 0, fmt.Errorf("%w: resume at %d of %d bytes", ErrProtocol, h, size)
		}
		return rep.Resume.Have, nil
	}
	return 0, fmt.Errorf("%w: want resume or refuse", ErrProtocol)
}

// readDone reads the receiver's last frame: the receipt, or a refusal.
func readDone(r io.Reader) (receipt []byte, err error) {
	var rep reply
	if err := readFrame(r, &rep); err != nil {
		return nil, err
	}
	switch {
	case rep.Refuse != nil && rep.Resume == nil && rep.Done == nil:
		return nil, &RefusedError{Reason: rep.Refuse.Reason, Later: rep.Refuse.Later}
	case rep.Done != nil && rep.Refuse == nil && rep.Resume == nil:
		return rep.Done.Receipt, nil
	}
	return nil, fmt.Errorf("%w: want done or refuse", ErrProtocol)
}

// writeRefuse sends a refusal, cutting the reason to MaxReason bytes.
func writeRefuse(w io.Writer, reason string, later bool) error {
	if len(reason) > MaxReason {
		reason = reason[:MaxReason]
	}
	return writeFrame(w, reply{Refuse: &Refuse{Reason: reason, Later: later}})
}
