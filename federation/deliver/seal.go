package deliver

import (
	"crypto/sha256"
	"fmt"
	"hash"
	"io"

	"filippo.io/age"
)

// Sums describes a sealed clip: the size and SHA-256 of the plaintext (what the manifest binds to) and of
// the ciphertext (what the wire protocol sends and checks).
type Sums struct {
	PlainSize    int64
	PlainSHA256  [32]byte
	CipherSize   int64
	CipherSHA256 [32]byte
}

// ID is the delivery ID of the ciphertext these sums describe (see IDOf).
func (s Sums) ID() string { return IDOf(s.CipherSHA256) }

// Seal encrypts src to one age recipient and writes the ciphertext to dst, in one pass, hashing the
// plaintext and the ciphertext on the way. dst should be a file: resuming a delivery needs the same
// ciphertext again, and age output differs every time (see the package doc).
func Seal(dst io.Writer, src io.Reader, to age.Recipient) (Sums, error) {
	s, err := NewSealer(dst, to)
	if err != nil {
		return Sums{}, err
	}
	if _, err := io.CopyBuffer(s, src, make([]byte, copyBuf)); err != nil {
		return Sums{}, fmt.Errorf("deliver: seal: %w", err)
	}
	return s.Finish()
}

// A Sealer is Seal for a producer that writes: the plaintext written to it is encrypted to one age
// recipient into dst as it comes, so it is never stored in the clear. Finish completes the ciphertext.
type Sealer struct {
	w             io.WriteCloser
	plain, cipher *countHash
}

// NewSealer starts a ciphertext for to in dst.
func NewSealer(dst io.Writer, to age.Recipient) (*Sealer, error) {
	s := &Sealer{plain: &countHash{h: sha256.New()}, cipher: &countHash{h: sha256.New()}}
	w, err := age.Encrypt(io.MultiWriter(dst, s.cipher), to)
	if err != nil {
		return nil, fmt.Errorf("deliver: seal: %w", err)
	}
	s.w = w
	return s, nil
}

// Write encrypts p.
func (s *Sealer) Write(p []byte) (int, error) {
	n, err := s.w.Write(p)
	s.plain.Write(p[:n])
	return n, err
}

// Finish writes the last chunk (the ciphertext is only complete after it) and returns the sums.
func (s *Sealer) Finish() (Sums, error) {
	if err := s.w.Close(); err != nil {
		return Sums{}, fmt.Errorf("deliver: seal: %w", err)
	}
	var sums Sums
	sums.PlainSize, sums.PlainSHA256 = s.plain.sum()
	sums.CipherSize, sums.CipherSHA256 = s.cipher.sum()
	return sums, nil
}

// Unseal decrypts an age ciphertext from src with id and writes the plaintext to dst, hashing both sides.
// It fails if id is not a recipient or the ciphertext was altered or cut short; dst may then hold part of
// the plaintext, which the caller must discard.
func Unseal(dst io.Writer, src io.Reader, id age.Identity) (Sums, error) {
	var s Sums
	cipher := &countHash{h: sha256.New()}
	r, err := age.Decrypt(io.TeeReader(src, cipher), id)
	if err != nil {
		return s, fmt.Errorf("deliver: unseal: %w", err)
	}
	plain := &countHash{h: sha256.New()}
	if _, err := io.CopyBuffer(io.MultiWriter(dst, plain), r, make([]byte, copyBuf)); err != nil {
		return s, fmt.Errorf("deliver: unseal: %w", err)
	}
	// age stops at its final chunk; bytes after it would be trailing garbage, which age reports as an
	// error, so the ciphertext hash covers all of src here.
	s.PlainSize, s.PlainSHA256 = plain.sum()
	s.CipherSize, s.CipherSHA256 = cipher.sum()
	return s, nil
}

// countHash is an io.Writer that hashes and counts what passes through it.
type countHash struct {
	h hash.Hash
	n int64
}

func (c *countHash) Write(p []byte) (int, error) {
	c.h.Write(p)
	c.n += int64(len(p))
	return len(p), nil
}

func (c *countHash) sum() (int64, [32]byte) {
	var out [32]byte
	c.h.Sum(out[:0])
	return c.n, out
}
