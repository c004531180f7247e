// Package formatstest reads and writes a closed bbolt database file directly, as another build of
// Porchlight would: the tests of each database's format version (internal/formats) use it to see what
// was written and to make a file of another version. Only tests import it.
package formatstest

import (
	"bytes"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/porchlight/porchlight/internal/formats"
)

// Update runs fn in a write transaction on the bbolt file at path (made when missing).
func Update(t testing.TB, path string, fn func(tx *bolt.Tx) error) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Update(fn); err != nil {
		t.Fatal(err)
	}
}

// Meta returns meta/key of the bbolt file at path, nil when absent.
func Meta(t testing.TB, path, key string) []byte {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var v []byte
	_ = db.View(func(tx *bolt.Tx) error {
		if m := tx.Bucket(formats.MetaBucket); m != nil {
			v = bytes.Clone(m.Get([]byte(key)))
		}
		return nil
	})
	return v
}

// SetMeta writes meta/key = v into the bbolt file at path and returns what it held (nil: nothing).
func SetMeta(t testing.TB, path, key string, v []byte) (old []byte) {
	t.Helper()
	Update(t, path, func(tx *bolt.Tx) error {
		m, err := tx.CreateBucketIfNotExists(formats.MetaBucket)
		if err != nil {
			return err
		}
		old = bytes.Clone(m.Get([]byte(key)))
		return m.Put([]byte(key), v)
	})
	return old
}
