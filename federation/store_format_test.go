package federation

import (
	"path/filepath"
	"testing"

	"github.com/porchlight/porchlight/internal/formats/formatstest"
	bolt "go.etcd.io/bbolt"
)

func TestStoreSchemaTable(t *testing.T) {
	if err := Schema.Check(); err != nil {
		t.Fatal(err)
	}
}

// A federation.db from before versions were recorded (buckets, no meta) is version 1: it opens with its
// hoods intact and gets meta/version 1; one from a newer build is refused, naming the file.
func TestStoreFormatVersion(t *testing.T) {
	path := filepath.Join(t.TempDir(), StoreFile)
	formatstest.Update(t, path, func(tx *bolt.Tx) error {
		hoods, err := tx.CreateBucket(bHoods)
		if err != nil {
			return err
		}
		h, err := hoods.CreateBucket([]byte("hood1"))
		if err != nil {
			return err
		}
		for _, name := range [][]byte{bMeta, bCerts, bRevoked, bInvites, bAlerts, bSeen} {
			if _, err := h.CreateBucket(name); err != nil {
				return err
			}
		}
		return h.Bucket(bMeta).Put([]byte("genesis"), []byte("g"))
	})
	st, err := openStore(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := st.get("hood1", bMeta, []byte("genesis")); string(got) != "g" {
		t.Errorf("hood1 genesis = %q after the upgrade, want g", got)
	}
	var v int
	st.db.View(func(tx *bolt.Tx) error { v, err = Schema.Version(tx); return err })
	st.close()
	if err != nil || v != FormatVersion {
		t.Fatalf("version after open = %d, %v; want %d", v, err, FormatVersion)
	}
	if raw := formatstest.SetMeta(t, path, "version", []byte{FormatVersion + 1}); string(raw) != "\x01" {
		t.Errorf("meta/version = %x, want 01", raw)
	}
	_, err = openStore(path)
	want := path + " has format 2; this porchlight knows up to 1: upgrade porchlight"
	if err == nil || err.Error() != want {
		t.Fatalf("open a newer federation.db: err = %v, want %q", err, want)
	}
}
