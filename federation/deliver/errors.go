package deliver

import "errors"

// Errors callers branch on. Returned errors wrap them with the details.
var (
	// ErrRefused: the receiver refused the offer or the body. Send returns a *RefusedError, which wraps it.
	ErrRefused = errors.New("deliver: refused")
	// ErrBadOffer: an offer is malformed (ID, hash, size or manifest length).
	ErrBadOffer = errors.New("deliver: bad offer")
	// ErrTooLarge: an offer's size is over the receiver's MaxSize.
	ErrTooLarge = errors.New("deliver: offer too large")
	// ErrBusy: the same ID is being received on another stream.
	ErrBusy = errors.New("deliver: busy")
	// ErrMismatch: the received ciphertext does not have the offered SHA-256 (or a stored one under the
	// same ID differs from the offer).
	ErrMismatch = errors.New("deliver: sha256 mismatch")
	// ErrProtocol: the peer sent a frame that does not fit the protocol.
	ErrProtocol = errors.New("deliver: protocol error")
)

// RefusedError is a refusal from the receiver, with its reason. It matches ErrRefused with errors.Is.
type RefusedError struct {
	Reason string
	Later  bool // the receiver asks to be offered the clip again later: busy, or a storage error
}

func (e *RefusedError) Error() string { return "deliver: refused: " + e.Reason }

// Unwrap makes errors.Is(err, ErrRefused) hold.
func (e *RefusedError) Unwrap() error { return ErrRefused }
