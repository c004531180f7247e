package tlog_test

import (
	"crypto/ed25519"
	"crypto/sha256"
	"fmt"
	"path/filepath"
	"testing"

	bolt "go.etcd.io/bbolt"
	"golang.org/x/mod/sumdb/note"

	"github.com/porchlight/porchlight/federation/tlog"
)

const testOrigin = "porchlight.log/hood1/agency1"

var logBucket = []byte("requestlog")

// testKey derives a fixed Ed25519 key from seed, so tests can make the same key twice.
func testKey(seed string) ed25519.PrivateKey {
	s := sha256.Sum256([]byte(seed))
	return ed25519.NewKeyFromSeed(s[:])
}

// testKeys returns a signer and verifier for origin from the key derived from seed.
func testKeys(t testing.TB, origin, seed string) (note.Signer, note.Verifier) {
	t.Helper()
	key := testKey(seed)
	s, err := tlog.NewSigner(origin, key)
	if err != nil {
		t.Fatalf("NewSigner: %v", err)
	}
	v, err := tlog.NewVerifier(origin, key.Public().(ed25519.PublicKey))
	if err != nil {
		t.Fatalf("NewVerifier: %v", err)
	}
	return s, v
}

// openDB opens (or reopens) a bbolt file and closes it when the test ends.
func openDB(t testing.TB, path string) *bolt.DB {
	t.Helper()
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatalf("bolt.Open(%s): %v", path, err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func tempDB(t testing.TB) *bolt.DB {
	t.Helper()
	return openDB(t, filepath.Join(t.TempDir(), "tlog.db"))
}

func openLog(t testing.TB, db *bolt.DB, s note.Signer) *tlog.Log {
	t.Helper()
	l, err := tlog.Open(db, logBucket, s)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return l
}

func parse(t testing.TB, signed []byte, v note.Verifier) tlog.Checkpoint {
	t.Helper()
	cp, err := tlog.ParseCheckpoint(signed, v)
	if err != nil {
		t.Fatalf("ParseCheckpoint(%q): %v", signed, err)
	}
	return cp
}

// appendN appends n entries named prefix-i (one batch) and returns the parsed checkpoint.
func appendN(t testing.TB, l *tlog.Log, v note.Verifier, prefix string, n int) tlog.Checkpoint {
	t.Helper()
	batch := make([][]byte, n)
	base := l.Size()
	for i := range batch {
		batch[i] = entryText(prefix, base+int64(i))
	}
	_, signed, err := l.Append(batch...)
	if err != nil {
		t.Fatalf("Append(%d entries): %v", n, err)
	}
	return parse(t, signed, v)
}

func entryText(prefix string, i int64) []byte {
	return fmt.Appendf(nil, "%s-%d", prefix, i)
}
