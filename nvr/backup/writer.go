package backup

import (
	"archive/tar"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"time"

	"filippo.io/age"
)

// Writer writes an archive: files one by one, streamed (memory does not grow with their size), then the
// manifest on Close.
type Writer struct {
	enc   io.WriteCloser // age; nil when not encrypted
	gz    *gzip.Writer
	tw    *tar.Writer
	files []File
	names map[string]bool
	now   time.Time
	// workFactor is the scrypt work factor (log2 N); 0: age's default. Tests lower it.
	workFactor int
}

// NewWriter starts an archive on w, encrypted with passphrase; an empty passphrase writes it unencrypted.
func NewWriter(w io.Writer, passphrase string) (*Writer, error) {
	return newWriter(w, passphrase, 0)
}

func newWriter(w io.Writer, passphrase string, workFactor int) (*Writer, error) {
	bw := &Writer{names: map[string]bool{}, now: time.Now(), workFactor: workFactor}
	if passphrase != "" {
		r, err := age.NewScryptRecipient(passphrase)
		if err != nil {
			return nil, fmt.Errorf("backup: passphrase: %w", err)
		}
		if workFactor > 0 {
			r.SetWorkFactor(workFactor)
		}
		if bw.enc, err = age.Encrypt(w, r); err != nil {
			return nil, fmt.Errorf("backup: encrypt: %w", err)
		}
		w = bw.enc
	}
	bw.gz, _ = gzip.NewWriterLevel(w, gzip.BestSpeed)
	bw.tw = tar.NewWriter(bw.gz)
	return bw, nil
}

// Add writes a file of size bytes read from r (exactly size: a file that grows while it is read, such
// as a segment being recorded, is cut at size).
func (w *Writer) Add(name string, perm fs.FileMode, size int64, r io.Reader) error {
	return w.AddFunc(name, perm, size, func(dst io.Writer) error {
		n, err := io.Copy(dst, io.LimitReader(r, size))
		if err == nil && n != size {
			err = fmt.Errorf("read %d of %d bytes: %w", n, size, io.ErrUnexpectedEOF)
		}
		return err
	})
}

// AddFunc writes a file of size bytes that fill writes (a database's Tx.WriteTo).
func (w *Writer) AddFunc(name string, perm fs.FileMode, size int64, fill func(io.Writer) error) error {
	if err := CheckName(name); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if w.names[name] {
		return fmt.Errorf("backup: %s added twice", name)
	}
	w.names[name] = true
	hdr := &tar.Header{Typeflag: tar.TypeReg, Name: name, Size: size, Mode: int64(perm.Perm()), ModTime: w.now, Format: tar.FormatPAX}
	if err := w.tw.WriteHeader(hdr); err != nil {
		return fmt.Errorf("backup: %s: %w", name, err)
	}
	h := sha256.New()
	cw := &countWriter{w: io.MultiWriter(w.tw, h)}
	if err := fill(cw); err != nil {
		return fmt.Errorf("backup: %s: %w", name, err)
	}
	if cw.n != size {
		return fmt.Errorf("backup: %s: wrote %d bytes, want %d", name, cw.n, size)
	}
	w.files = append(w.files, File{Name: name, Size: size, Mode: uint32(perm.Perm()), SHA256: hex.EncodeToString(h.Sum(nil))})
	return nil
}

// Files are the files added so far.
func (w *Writer) Files() []File { return w.files }

// Close writes m as the manifest, with Format, Created (if zero) and Files filled in, and finishes the
// archive. The archive is complete only when Close returns nil.
func (w *Writer) Close(m Manifest) error {
	m.Format, m.Files = FormatVersion, w.files
	if m.Created.IsZero() {
		m.Created = w.now.UTC()
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("backup: manifest: %w", err)
	}
	hdr := &tar.Header{Typeflag: tar.TypeReg, Name: ManifestName, Size: int64(len(b)), Mode: 0o600, ModTime: w.now, Format: tar.FormatPAX}
	if err := w.tw.WriteHeader(hdr); err != nil {
		return fmt.Errorf("backup: manifest: %w", err)
	}
	if _, err := w.tw.Write(b); err != nil {
		return fmt.Errorf("backup: manifest: %w", err)
	}
	err = errors.Join(w.tw.Close(), w.gz.Close())
	if w.enc != nil {
		err = errors.Join(err, w.enc.Close())
	}
	if err != nil {
		return fmt.Errorf("backup: finish: %w", err)
	}
	return nil
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
