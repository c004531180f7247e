package notify

import (
	"path/filepath"
	"testing"

	"github.com/porchlight/porchlight/internal/formats/formatstest"
	bolt "go.etcd.io/bbolt"
)

func TestQueueSchemaTable(t *testing.T) {
	if err := Schema.Check(); err != nil {
		t.Fatal(err)
	}
}

// A notify.db from before versions were recorded is version 1: its queued jobs and push subscriptions
// stay and it gets meta/version 1; one from a newer build is refused, naming the file.
func TestQueueFormatVersion(t *testing.T) {
	path := filepath.Join(t.TempDir(), DBFile)
	formatstest.Update(t, path, func(tx *bolt.Tx) error {
		b, err := tx.CreateBucket(bucketName("ntfy"))
		if err != nil {
			return err
		}
		return b.Put([]byte{0, 0, 0, 0, 0, 0, 0, 1}, []byte(`{"n":{}}`))
	})
	q, err := openQueue(path)
	if err != nil {
		t.Fatal(err)
	}
	n, err := q.depth("ntfy")
	q.close()
	if err != nil || n != 1 {
		t.Fatalf("depth after the upgrade = %d, %v; want 1", n, err)
	}
	if raw := formatstest.SetMeta(t, path, "version", []byte{FormatVersion + 1}); string(raw) != "\x01" {
		t.Errorf("meta/version = %x, want 01", raw)
	}
	_, err = openQueue(path)
	want := path + " has format 2; this porchlight knows up to 1: upgrade porchlight"
	if err == nil || err.Error() != want {
		t.Fatalf("open a newer notify.db: err = %v, want %q", err, want)
	}
}
