package deliver

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"

	"github.com/libp2p/go-msgio"
)

// DefaultMaxSize is the largest ciphertext a Receiver with MaxSize 0 accepts.
const DefaultMaxSize = 4 << 30

// Receiver takes deliveries into Dir. Set its fields before the first Serve and do not copy it after.
//
// In Dir it keeps <ID>.part while a delivery is incomplete (so a later attempt resumes it) and <ID>.age
// once the ciphertext has the offered SHA-256 and is synced. It never removes an .age file: the caller
// moves or deletes it when it has stored the submission elsewhere, after which a retry of the same ID
// is received anew. Part files of deliveries that are never retried stay too; the caller sweeps them
// (by modification time, say).
type Receiver struct {
	// Dir holds partial and completed ciphertexts. It must exist.
	Dir string
	// MaxSize is the largest ciphertext accepted, in bytes; 0 means DefaultMaxSize.
	MaxSize int64
	// Accept decides whether to take a well-formed offer: the caller checks the manifest's signature and
	// that it binds the offered ID and hash. Its error's text is sent to the sender as the refusal reason;
	// an error that wraps ErrBusy asks the sender to try again later.
	// A nil Accept refuses every offer.
	Accept func(Offer) error
	// Complete is called with the path of a verified, synced <ID>.age file; its receipt is sent back. It
	// is called again for a retry of a completed ID (the sender may have lost the first receipt), so it
	// must be idempotent. An error's text is sent as a refusal reason. Nil means an empty receipt.
	Complete func(o Offer, path string) (receipt []byte, err error)

	mu     sync.Mutex
	active map[string]bool // IDs being served
}

// Serve runs the receiver's side of one delivery on rw and returns when it is over: nil after a receipt
// was sent, an error otherwise (a refusal it sent, a broken stream, a storage failure). The caller closes
// rw. Serve is safe to call from many goroutines at once.
func (r *Receiver) Serve(rw io.ReadWriter) error {
	o, err := readOffer(rw)
	if err != nil {
		if errors.Is(err, ErrProtocol) || errors.Is(err, msgio.ErrMsgTooLarge) {
			writeRefuse(rw, "malformed offer", false)
		}
		return fmt.Errorf("deliver: read offer: %w", err)
	}
	if err := o.Check(r.maxSize()); err != nil {
		return refuse(rw, err.Error(), err)
	}
	if r.Accept == nil {
		return refuse(rw, "not accepting deliveries", fmt.Errorf("%w: %s: receiver has no Accept", ErrRefused, o.ID))
	}
	if err := r.Accept(o); errors.Is(err, ErrBusy) {
		return refuseLater(rw, err.Error(), fmt.Errorf("%w: %s: %w", ErrRefused, o.ID, err))
	} else if err != nil {
		return refuse(rw, err.Error(), fmt.Errorf("%w: %s not accepted: %w", ErrRefused, o.ID, err))
	}
	if !r.claim(o.ID) {
		return refuseLater(rw, "busy: "+o.ID+" is being received on another stream", fmt.Errorf("%w: %s", ErrBusy, o.ID))
	}
	defer r.release(o.ID)

	final := filepath.Join(r.Dir, o.ID+".age")
	if _, err := os.Stat(final); err == nil {
		return r.serveStored(rw, o, final)
	}
	if err := r.receive(rw, o, final); err != nil {
		return err
	}
	return r.complete(rw, o, final)
}

// serveStored answers a retry of a completed delivery: nothing to send, and the receipt again.
func (r *Receiver) serveStored(rw io.ReadWriter, o Offer, path string) error {
	// IDs are 128-bit prefixes; the full hash decides whether the stored file is the one offered.
	n, sum, err := hashFile(path)
	if err != nil {
		return refuseLater(rw, "storage error", fmt.Errorf("deliver: %s: %w", o.ID, err))
	}
	if n != o.Size || string(sum[:]) != string(o.SHA256) {
		return refuse(rw, "id conflict: a different file is stored under "+o.ID,
			fmt.Errorf("%w: %s is stored with another hash", ErrMismatch, path))
	}
	if err := writeFrame(rw, reply{Resume: &Resume{Have: o.Size}}); err != nil {
		return fmt.Errorf("deliver: %s: %w", o.ID, err)
	}
	return r.complete(rw, o, path)
}

// complete hands a stored delivery to the caller and sends its receipt.
func (r *Receiver) complete(rw io.ReadWriter, o Offer, path string) error {
	var receipt []byte
	if r.Complete != nil {
		var err error
		if receipt, err = r.Complete(o, path); err != nil {
			return refuseLater(rw, err.Error(), fmt.Errorf("deliver: complete %s: %w", o.ID, err))
		}
	}
	if err := writeFrame(rw, reply{Done: &Done{Receipt: receipt}}); err != nil {
		return fmt.Errorf("deliver: send receipt for %s: %w", o.ID, err)
	}
	return nil
}

func (r *Receiver) maxSize() int64 {
	if r.MaxSize > 0 {
		return r.MaxSize
	}
	return DefaultMaxSize
}

// claim marks id as being served; it reports false if it already is.
func (r *Receiver) claim(id string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.active[id] {
		return false
	}
	if r.active == nil {
		r.active = map[string]bool{}
	}
	r.active[id] = true
	return true
}

func (r *Receiver) release(id string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.active, id)
}

// refuse sends reason to the sender and returns err.
func refuse(w io.Writer, reason string, err error) error {
	writeRefuse(w, reason, false)
	return err
}

// refuseLater is refuse for a refusal that holds for now only: the sender is asked to try again.
func refuseLater(w io.Writer, reason string, err error) error {
	writeRefuse(w, reason, true)
	return err
}
