package formats_test

import (
	"errors"
	"path/filepath"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/porchlight/porchlight/internal/formats"
	"github.com/porchlight/porchlight/internal/formats/formatstest"
)

// legacyDB writes a database as a build before recorded versions did: buckets, no meta.
func legacyDB(t *testing.T, buckets ...string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "x.db")
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range buckets {
			bk, err := tx.CreateBucket([]byte(b))
			if err != nil {
				return err
			}
			if err := bk.Put([]byte("k"), []byte("v1")); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return path
}

func setVersion(t *testing.T, path string, v []byte) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Update(func(tx *bolt.Tx) error {
		m, err := tx.CreateBucketIfNotExists(formats.MetaBucket)
		if err != nil {
			return err
		}
		return m.Put(formats.VersionKey, v)
	}); err != nil {
		t.Fatal(err)
	}
}

// rename is a real step: bucket "old" becomes "new", values kept.
func rename(tx *bolt.Tx) error {
	old := tx.Bucket([]byte("old"))
	if old == nil {
		return nil
	}
	nb, err := tx.CreateBucket([]byte("new"))
	if err != nil {
		return err
	}
	if err := old.ForEach(func(k, v []byte) error { return nb.Put(k, v) }); err != nil {
		return err
	}
	return tx.DeleteBucket([]byte("old"))
}

var schema2 = formats.Schema{Current: 2, Migrations: []formats.Migration{{From: 1, To: 2, Apply: rename}}}

func TestNewDatabaseGetsCurrentVersion(t *testing.T) {
	path := filepath.Join(t.TempDir(), "new.db")
	db, err := schema2.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	if got := formatstest.Meta(t, path, "version"); string(got) != "\x02" {
		t.Fatalf("meta/version = %x, want 02", got)
	}
}

func TestLegacyDatabaseIsMigrated(t *testing.T) {
	path := legacyDB(t, "old")
	db, err := schema2.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	var from int
	err = db.View(func(tx *bolt.Tx) error {
		if tx.Bucket([]byte("old")) != nil {
			t.Error("bucket old survived the migration")
		}
		if got := tx.Bucket([]byte("new")).Get([]byte("k")); string(got) != "v1" {
			t.Errorf("new/k = %q, want v1", got)
		}
		from, _ = schema2.Version(tx)
		return nil
	})
	db.Close()
	if err != nil || from != 2 {
		t.Fatalf("version after open = %d (%v), want 2", from, err)
	}
}

func TestTooNewIsRefusedAndLeftAlone(t *testing.T) {
	path := legacyDB(t, "old")
	setVersion(t, path, []byte{0, 0, 0, 3})
	_, err := schema2.Open(path, nil)
	want := path + " has format 3; this porchlight knows up to 2: upgrade porchlight"
	if err == nil || err.Error() != want {
		t.Fatalf("err = %v, want %q", err, want)
	}
	if !errors.Is(err, formats.ErrTooNew) {
		t.Errorf("errors.Is(err, ErrTooNew) = false")
	}
	if got := formatstest.Meta(t, path, "version"); string(got) != "\x00\x00\x00\x03" {
		t.Errorf("meta/version = %x after a refused open, want 00000003", got)
	}
}

func TestOneByteVersionIsRead(t *testing.T) {
	path := legacyDB(t, "new")
	setVersion(t, path, []byte{2})
	db, err := schema2.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	if got := formatstest.Meta(t, path, "version"); string(got) != "\x02" {
		t.Errorf("meta/version = %x, want the 02 kept as written", got)
	}
}

func TestFailedMigrationRollsBack(t *testing.T) {
	path := legacyDB(t, "old")
	boom := errors.New("boom")
	s := formats.Schema{Current: 3, Migrations: []formats.Migration{
		{From: 1, To: 2, Apply: rename},
		{From: 2, To: 3, Apply: func(*bolt.Tx) error { return boom }},
	}}
	_, err := s.Open(path, nil)
	if !errors.Is(err, boom) || err.Error() != path+": migrate format 2 to 3: boom" {
		t.Fatalf("err = %v, want the failing step named", err)
	}
	if got := formatstest.Meta(t, path, "version"); got != nil {
		t.Errorf("meta/version = %x after a failed migration, want none", got)
	}
	db, _ := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	defer db.Close()
	db.View(func(tx *bolt.Tx) error {
		if tx.Bucket([]byte("old")) == nil {
			t.Error("the first step's rename was kept though the second failed")
		}
		return nil
	})
}

func TestVersionWithoutStepIsRefused(t *testing.T) {
	path := legacyDB(t, "old")
	s := formats.Schema{Current: 3, Legacy: 1, Migrations: []formats.Migration{{From: 2, To: 3, Apply: rename}}}
	_, err := s.Open(path, nil)
	want := path + " has format 1; this porchlight reads 2 to 3"
	if err == nil || err.Error() != want {
		t.Fatalf("err = %v, want %q", err, want)
	}
}

func TestBadVersionValue(t *testing.T) {
	path := legacyDB(t, "old")
	setVersion(t, path, []byte{})
	_, err := schema2.Open(path, nil)
	if want := path + ": meta/version: 0 bytes, want 1 to 8"; err == nil || err.Error() != want {
		t.Fatalf("err = %v, want %q", err, want)
	}
}

func TestCheck(t *testing.T) {
	nop := func(*bolt.Tx) error { return nil }
	for _, tc := range []struct {
		name string
		s    formats.Schema
		want string
	}{
		{"ok", schema2, ""},
		{"skip", formats.Schema{Current: 3, Migrations: []formats.Migration{{From: 1, To: 3, Apply: nop}}}, "migration 1 → 3: steps go one version at a time"},
		{"above", formats.Schema{Current: 1, Migrations: []formats.Migration{{From: 1, To: 2, Apply: nop}}}, "migration 1 → 2: ends above the current format 1"},
		{"twice", formats.Schema{Current: 2, Migrations: []formats.Migration{{From: 1, To: 2, Apply: nop}, {From: 1, To: 2, Apply: nop}}}, "migration from 1: listed twice"},
		{"nil", formats.Schema{Current: 2, Migrations: []formats.Migration{{From: 1, To: 2, Apply: nil}}}, "migration 1 → 2: no function"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.s.Check()
			if got := fmtErr(err); got != tc.want {
				t.Errorf("Check() = %q, want %q", got, tc.want)
			}
		})
	}
}

func fmtErr(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestVersionEncoding(t *testing.T) {
	for _, v := range []int{1, 2, 255, 256, 70000} {
		b := formats.EncodeVersion(v)
		got, err := formats.DecodeVersion(b)
		if err != nil || got != v {
			t.Errorf("DecodeVersion(EncodeVersion(%d) = %x) = %d, %v", v, b, got, err)
		}
	}
	if b := formats.EncodeVersion(1); string(b) != "\x01" {
		t.Errorf("EncodeVersion(1) = %x, want 01 as the first index wrote", b)
	}
	if _, err := formats.DecodeVersion([]byte{0xff, 0xff, 0xff, 0xff, 0xff}); err == nil {
		t.Error("DecodeVersion accepted a number above 2^31")
	}
}
