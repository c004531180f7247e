package nvr

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

func TestIdentity(t *testing.T) {
	dir := t.TempDir()
	pub, err := CreateIdentity(dir)
	if err != nil {
		t.Fatalf("CreateIdentity: %v", err)
	}
	checkMode(t, filepath.Join(dir, IdentityFile), 0o600)
	priv, err := LoadIdentity(dir)
	if err != nil {
		t.Fatalf("LoadIdentity: %v", err)
	}
	if !priv.Public().(ed25519.PublicKey).Equal(pub) {
		t.Errorf("loaded key's public key differs from the created one")
	}
	if _, err := CreateIdentity(dir); !errors.Is(err, fs.ErrExist) {
		t.Errorf("second CreateIdentity: got error %v, want one wrapping fs.ErrExist", err)
	}
	again, err := LoadIdentity(dir)
	if err != nil || !again.Equal(priv) {
		t.Errorf("identity changed after a refused CreateIdentity (err %v)", err)
	}
	if _, err := LoadIdentity(t.TempDir()); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("LoadIdentity of an empty dir: got error %v, want fs.ErrNotExist", err)
	}
}

func TestParseIdentityErrors(t *testing.T) {
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ecDER, err := x509.MarshalPKCS8PrivateKey(ec)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if _, err := CreateIdentity(dir); err != nil {
		t.Fatal(err)
	}
	good, err := os.ReadFile(filepath.Join(dir, IdentityFile))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		in   []byte
	}{
		{"empty", nil},
		{"not PEM", []byte("hello")},
		{"wrong block type", pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: ecDER})},
		{"not Ed25519", pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: ecDER})},
		{"garbage DER", pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: []byte{1, 2, 3}})},
		{"trailing data", append(append([]byte{}, good...), "junk"...)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := parseIdentity(tt.in); !errors.Is(err, ErrBadIdentity) {
				t.Errorf("got error %v, want ErrBadIdentity", err)
			}
		})
	}
}

func FuzzParseIdentity(f *testing.F) {
	dir := f.TempDir()
	if _, err := CreateIdentity(dir); err != nil {
		f.Fatal(err)
	}
	good, err := os.ReadFile(filepath.Join(dir, IdentityFile))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add([]byte("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		k, err := parseIdentity(b)
		if err == nil && len(k) != 64 {
			t.Errorf("got a key of %d bytes without error, want 64", len(k))
		}
	})
}
