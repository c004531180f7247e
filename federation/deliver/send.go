package deliver

import (
	"context"
	"fmt"
	"io"
	"time"
)

// copyBuf is the size of the body's reads and writes. Large writes keep per-write costs (syscalls, yamux
// and security framing on libp2p streams) small next to the bytes moved.
const copyBuf = 1 << 20

// deadliner is what net.Conn and libp2p streams offer to unblock a pending Read or Write.
type deadliner interface {
	SetDeadline(t time.Time) error
}

// Send delivers the ciphertext in body, described by offer, over rw: it offers it, sends the bytes the
// receiver lacks, and returns the receiver's receipt. A refusal is a *RefusedError (errors.Is ErrRefused).
// After any other error the delivery can be retried on a new stream with the same offer and body, and the
// receiver resumes where it stopped.
//
// When ctx ends Send returns ctx's error promptly. If rw has SetDeadline (net.Conn, libp2p streams), Send
// sets a past deadline so pending I/O stops; otherwise the I/O goroutine stays blocked until the caller
// closes rw. The caller closes rw in both cases.
func Send(ctx context.Context, rw io.ReadWriter, offer Offer, body io.ReaderAt) (receipt []byte, err error) {
	if err := offer.Check(0); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	type result struct {
		receipt []byte
		err     error
	}
	done := make(chan result, 1)
	go func() {
		r, err := send(ctx, rw, offer, body)
		done <- result{r, err}
	}()
	select {
	case res := <-done:
		return res.receipt, res.err
	case <-ctx.Done():
		if d, ok := rw.(deadliner); ok {
			d.SetDeadline(time.Unix(1, 0))
		}
		return nil, ctx.Err()
	}
}

// send runs the sender's side of the protocol.
func send(ctx context.Context, rw io.ReadWriter, offer Offer, body io.ReaderAt) ([]byte, error) {
	if err := writeFrame(rw, offer); err != nil {
		return nil, fmt.Errorf("deliver: send offer %s: %w", offer.ID, err)
	}
	have, err := readResume(rw, offer.Size)
	if err != nil {
		return nil, fmt.Errorf("deliver: offer %s: %w", offer.ID, err)
	}
	if err := sendBody(ctx, rw, io.NewSectionReader(body, have, offer.Size-have)); err != nil {
		return nil, fmt.Errorf("deliver: send %s from byte %d: %w", offer.ID, have, err)
	}
	receipt, err := readDone(rw)
	if err != nil {
		return nil, fmt.Errorf("deliver: deliver %s: %w", offer.ID, err)
	}
	return receipt, nil
}

// sendBody writes all of body to w in copyBuf-sized writes, stopping early if ctx ends.
func sendBody(ctx context.Context, w io.Writer, body *io.SectionReader) error {
	buf := make([]byte, min(copyBuf, max(body.Size(), 1)))
	for left := body.Size(); left > 0; {
		if err := ctx.Err(); err != nil {
			return err
		}
		n, err := io.ReadFull(body, buf[:min(int64(len(buf)), left)])
		if err != nil {
			// The body is shorter than the offer says: the caller's mistake, not the receiver's.
			return fmt.Errorf("read body: %w", err)
		}
		if _, err := w.Write(buf[:n]); err != nil {
			return err
		}
		left -= int64(n)
	}
	return nil
}
