package nvr

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/porchlight/porchlight/internal/atomicfile"
)

// IdentityFile is the name of the node identity in the data dir: an Ed25519 private key, PKCS#8 in PEM,
// mode 0600. Its public key is the node's identity in neighborhoods; losing the file means a new node.
const IdentityFile = "identity.key"

// ErrBadIdentity is wrapped by errors for identity files that do not hold an Ed25519 PKCS#8 PEM key.
var ErrBadIdentity = errors.New("malformed identity key")

// CreateIdentity generates a node identity and writes it to <dataDir>/identity.key. It never replaces an
// existing identity: if the file exists the error wraps fs.ErrExist.
func CreateIdentity(dataDir string) (ed25519.PublicKey, error) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("create identity: %w", err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return nil, fmt.Errorf("create identity: %w", err)
	}
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
	if err := atomicfile.WriteNew(filepath.Join(dataDir, IdentityFile), pemBytes, 0o600); err != nil {
		return nil, fmt.Errorf("create identity: %w", err)
	}
	return pub, nil
}

// LoadIdentity reads the node identity from <dataDir>/identity.key.
func LoadIdentity(dataDir string) (ed25519.PrivateKey, error) {
	path := filepath.Join(dataDir, IdentityFile)
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load identity: %w", err)
	}
	key, err := parseIdentity(b)
	if err != nil {
		return nil, fmt.Errorf("load identity %s: %w", path, err)
	}
	return key, nil
}

// parseIdentity decodes a PEM "PRIVATE KEY" block holding a PKCS#8 Ed25519 key.
func parseIdentity(b []byte) (ed25519.PrivateKey, error) {
	block, rest := pem.Decode(b)
	if block == nil || block.Type != "PRIVATE KEY" {
		return nil, fmt.Errorf("%w: no PEM PRIVATE KEY block", ErrBadIdentity)
	}
	if len(bytes.TrimSpace(rest)) != 0 {
		return nil, fmt.Errorf("%w: data after the PEM block", ErrBadIdentity)
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadIdentity, err)
	}
	priv, ok := k.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("%w: %T is not an Ed25519 key", ErrBadIdentity, k)
	}
	return priv, nil
}
