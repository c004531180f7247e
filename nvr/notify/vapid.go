package notify

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/porchlight/porchlight/internal/atomicfile"
)

// VAPIDFile is the Web Push signing key in the data dir (RFC 8292 VAPID: an ECDSA P-256 key, PEM, 0600).
// Its name ends in .key, so the node's secret-mode check covers it.
const VAPIDFile = "vapid.key"

// VAPIDKey is the node's Web Push application server key. Push services bind each subscription to its
// public key; the private key signs the JWT of every push and never leaves the data dir: the type prints
// and logs as its public key only.
type VAPIDKey struct {
	priv *ecdsa.PrivateKey
}

// CreateVAPIDKey writes a new key to dataDir; it refuses to replace one (fs.ErrExist), since every
// subscription made with the old public key would stop working.
func CreateVAPIDKey(dataDir string) (*VAPIDKey, error) {
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	der, err := x509.MarshalECPrivateKey(priv)
	if err != nil {
		return nil, err
	}
	b := pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der})
	path := filepath.Join(dataDir, VAPIDFile)
	if err := atomicfile.WriteNew(path, b, 0o600); err != nil {
		return nil, fmt.Errorf("web push key %s: %w", path, err)
	}
	return &VAPIDKey{priv: priv}, nil
}

// LoadVAPIDKey reads the key in dataDir, creating it first when there is none (a node initialised before
// Web Push existed); created says so.
func LoadVAPIDKey(dataDir string) (k *VAPIDKey, created bool, err error) {
	path := filepath.Join(dataDir, VAPIDFile)
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		k, err = CreateVAPIDKey(dataDir)
		return k, err == nil, err
	}
	if err != nil {
		return nil, false, fmt.Errorf("web push key: %w", err)
	}
	blk, _ := pem.Decode(b)
	if blk == nil || blk.Type != "EC PRIVATE KEY" {
		return nil, false, fmt.Errorf("web push key %s: not a PEM EC PRIVATE KEY", path)
	}
	priv, err := x509.ParseECPrivateKey(blk.Bytes)
	if err != nil || priv.Curve != elliptic.P256() {
		return nil, false, fmt.Errorf("web push key %s: not a P-256 key", path)
	}
	return &VAPIDKey{priv: priv}, false, nil
}

// PublicKey is the uncompressed P-256 point in unpadded base64url: the applicationServerKey a browser
// subscribes with.
func (k *VAPIDKey) PublicKey() string {
	b, _ := k.priv.PublicKey.Bytes() // a P-256 key always encodes
	return base64.RawURLEncoding.EncodeToString(b)
}

// privateKey is the scalar in unpadded base64url, as webpush-go takes it.
func (k *VAPIDKey) privateKey() string {
	b, _ := k.priv.Bytes()
	return base64.RawURLEncoding.EncodeToString(b)
}

// String shows the public key only.
func (k *VAPIDKey) String() string { return "vapid:" + k.PublicKey() }

// LogValue logs the public key only.
func (k *VAPIDKey) LogValue() slog.Value { return slog.StringValue(k.String()) }

// GoString keeps %#v from printing the private key.
func (k *VAPIDKey) GoString() string { return k.String() }
