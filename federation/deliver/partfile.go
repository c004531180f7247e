package deliver

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"strings"

	"github.com/porchlight/porchlight/internal/atomicfile"
)

// receive takes the body of offer o into <ID>.part, resuming what is there, and renames it to final once
// it has o.Size bytes with o's SHA-256. A cut stream leaves the part file for the next attempt; a wrong
// hash or a storage failure removes it.
func (r *Receiver) receive(rw io.ReadWriter, o Offer, final string) error {
	part := strings.TrimSuffix(final, ".age") + ".part"
	f, have, h, err := openPart(part, o.Size)
	if err != nil {
		return refuseLater(rw, "storage error", fmt.Errorf("deliver: %w", err))
	}
	defer func() {
		if f != nil {
			f.Close()
		}
	}()
	if err := writeFrame(rw, reply{Resume: &Resume{Have: have}}); err != nil {
		return fmt.Errorf("deliver: %s: send resume: %w", o.ID, err)
	}
	got, err := receiveBody(rw, f, h, o.Size-have)
	var store *storageError
	switch {
	case errors.As(err, &store):
		f.Close()
		f = nil
		os.Remove(part)
		return refuseLater(rw, "storage error", fmt.Errorf("deliver: %s: %w", part, store.err))
	case err != nil:
		return fmt.Errorf("deliver: %s: stream cut after %d of %d bytes: %w", o.ID, have+got, o.Size, err)
	}
	if sum := h.Sum(nil); string(sum) != string(o.SHA256) {
		f.Close()
		f = nil
		os.Remove(part)
		return refuse(rw, "sha256 mismatch", fmt.Errorf("%w: %s: got %x, want %x", ErrMismatch, o.ID, sum, o.SHA256))
	}
	// Data synced before the rename, and the rename synced, so an .age file is always whole.
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	f = nil
	if err == nil {
		err = atomicfile.Rename(part, final)
	}
	if err != nil {
		os.Remove(part)
		return refuseLater(rw, "storage error", fmt.Errorf("deliver: store %s: %w", final, err))
	}
	return nil
}

// openPart opens (or creates) a part file for a ciphertext of size bytes and returns it positioned at its
// end, with its length and a hash of its contents so far. A part longer than size is cut to size: the
// final hash check decides whether what is left is right.
func openPart(path string, size int64) (*os.File, int64, hash.Hash, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, 0, nil, err
	}
	fail := func(err error) (*os.File, int64, hash.Hash, error) {
		f.Close()
		return nil, 0, nil, fmt.Errorf("%s: %w", path, err)
	}
	st, err := f.Stat()
	if err != nil {
		return fail(err)
	}
	have := st.Size()
	if have > size {
		if err := f.Truncate(size); err != nil {
			return fail(err)
		}
		have = size
	}
	h := sha256.New()
	if _, err := io.CopyBuffer(h, io.NewSectionReader(f, 0, have), make([]byte, copyBuf)); err != nil {
		return fail(err)
	}
	if _, err := f.Seek(have, io.SeekStart); err != nil {
		return fail(err)
	}
	return f, have, h, nil
}

// storageError marks a failure to write the part file, as opposed to a failure of the stream.
type storageError struct{ err error }

func (e *storageError) Error() string { return e.err.Error() }

// receiveBody copies n bytes from r to f and h and returns how many it wrote. Reading the stream, hashing
// and writing the file are three goroutines in a pipeline, so they overlap: hashing alone takes about as
// long as a raw loopback TCP copy. Whatever arrived before a stream error is written, so the next attempt
// resumes after it. After a storage error it reads and drops the rest of the body, so the sender is not
// blocked and hears the refusal.
func receiveBody(r io.Reader, f *os.File, h hash.Hash, n int64) (int64, error) {
	type chunk struct {
		buf []byte
		n   int
		err error
	}
	const bufs = 4
	free, read, hashed := make(chan []byte, bufs), make(chan chunk, bufs), make(chan chunk, bufs)
	for range bufs {
		free <- make([]byte, min(copyBuf, max(n, 1)))
	}
	go func() {
		defer close(read)
		for left := n; left > 0; {
			buf := <-free
			m, err := io.ReadFull(r, buf[:min(int64(len(buf)), left)])
			left -= int64(m)
			read <- chunk{buf, m, err}
			if err != nil {
				return
			}
		}
	}()
	go func() {
		defer close(hashed)
		for c := range read {
			h.Write(c.buf[:c.n])
			hashed <- c
		}
	}()
	durable := newSyncBehind(f)
	var written int64
	var storeErr, streamErr error
	// Drain to the end so the other two never block; h is only used after hashed is closed.
	for c := range hashed {
		if c.n > 0 && storeErr == nil {
			if _, err := f.Write(c.buf[:c.n]); err != nil {
				storeErr = err
			} else {
				written += int64(c.n)
				durable.wrote(int64(c.n))
			}
		}
		free <- c.buf
		streamErr = c.err
	}
	if err := durable.stop(); storeErr == nil {
		storeErr = err
	}
	if storeErr != nil {
		return written, &storageError{storeErr}
	}
	return written, streamErr
}

// hashFile returns the length and SHA-256 of the file at path.
func hashFile(path string) (int64, [32]byte, error) {
	var sum [32]byte
	f, err := os.Open(path)
	if err != nil {
		return 0, sum, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.CopyBuffer(h, f, make([]byte, copyBuf))
	h.Sum(sum[:0])
	return n, sum, err
}
