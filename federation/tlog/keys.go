package tlog

import (
	"crypto/ed25519"
	"fmt"

	"golang.org/x/mod/sumdb/note"
)

// NewSigner returns a note signer for the log named name (its origin) that signs with a node's existing
// Ed25519 key, so an agency needs no second key for its log. Its KeyHash is the one note computes for
// the matching verifier key, so notes it signs open with NewVerifier(name, key.Public()).
func NewSigner(name string, key ed25519.PrivateKey) (note.Signer, error) {
	if len(key) != ed25519.PrivateKeySize {
		return nil, fmt.Errorf("tlog: signer %q: private key is %d bytes, want %d", name, len(key), ed25519.PrivateKeySize)
	}
	v, err := NewVerifier(name, key.Public().(ed25519.PublicKey))
	if err != nil {
		return nil, err
	}
	return &signer{name: name, hash: v.KeyHash(), key: key}, nil
}

// NewVerifier returns the note verifier for the log named name with public key pub. It goes through
// note's own verifier-key encoding so name rules and key hashes are exactly note's.
func NewVerifier(name string, pub ed25519.PublicKey) (note.Verifier, error) {
	if len(pub) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("tlog: verifier %q: public key is %d bytes, want %d", name, len(pub), ed25519.PublicKeySize)
	}
	vkey, err := note.NewEd25519VerifierKey(name, pub)
	if err != nil {
		return nil, fmt.Errorf("tlog: verifier %q: %w", name, err)
	}
	v, err := note.NewVerifier(vkey)
	if err != nil {
		return nil, fmt.Errorf("tlog: verifier %q: %w", name, err)
	}
	return v, nil
}

// signer is a note.Signer over a raw Ed25519 key; note.NewSigner only takes its own text encoding.
type signer struct {
	name string
	hash uint32
	key  ed25519.PrivateKey
}

func (s *signer) Name() string    { return s.name }
func (s *signer) KeyHash() uint32 { return s.hash }

func (s *signer) Sign(msg []byte) ([]byte, error) { return ed25519.Sign(s.key, msg), nil }
