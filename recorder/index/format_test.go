package index_test

import (
	"errors"
	"path/filepath"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/porchlight/porchlight/internal/formats"
	"github.com/porchlight/porchlight/recorder/index"
)

func TestSchemaTable(t *testing.T) {
	if err := index.Schema.Check(); err != nil {
		t.Fatal(err)
	}
}

// setMeta writes key → value into an index's meta bucket with bbolt directly.
func setMeta(t *testing.T, path, key string, value []byte) {
	t.Helper()
	b, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := b.Update(func(tx *bolt.Tx) error { return tx.Bucket([]byte("meta")).Put([]byte(key), value) }); err != nil {
		t.Fatal(err)
	}
}

func TestOpenRefusesNewerFormat(t *testing.T) {
	path := filepath.Join(t.TempDir(), "index.db")
	db, err := index.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	setMeta(t, path, "version", []byte{index.FormatVersion + 1})
	_, err = index.Open(path, nil)
	want := path + " has format 2; this porchlight knows up to 1: upgrade porchlight"
	if err == nil || !errors.Is(err, formats.ErrTooNew) || err.Error() != want {
		t.Fatalf("err = %v, want %q", err, want)
	}
}

func TestSegmentLayoutRecordedAndChecked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "index.db")
	db, err := index.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	// An index from before the layout was recorded has layout 1 and gets it written.
	db, err = index.Open(path, &index.Options{SegmentLayout: 1})
	if err != nil {
		t.Fatal(err)
	}
	n, err := db.SegmentLayout()
	db.Close()
	if err != nil || n != 1 {
		t.Fatalf("SegmentLayout() = %d, %v; want 1", n, err)
	}
	setMeta(t, path, "segments", []byte{3})
	_, err = index.Open(path, &index.Options{SegmentLayout: 1})
	want := path + " (segment layout) has format 3; this porchlight knows up to 1: upgrade porchlight"
	if err == nil || err.Error() != want {
		t.Fatalf("err = %v, want %q", err, want)
	}
	// A caller that does not write segments (SegmentLayout 0) does not check them.
	db, err = index.Open(path, nil)
	if err != nil {
		t.Fatalf("open without a segment layout: %v", err)
	}
	db.Close()
}
