package formats

import (
	"encoding/binary"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// Where a database keeps its format version.
var (
	MetaBucket = []byte("meta")
	VersionKey = []byte("version")
)

// A Migration turns a database of version From into version To (From+1) inside the open transaction.
type Migration struct {
	From, To int
	Apply    func(tx *bolt.Tx) error
}

// Schema describes one database's format: its current version, the version of a database written before
// versions were recorded, and the steps between them.
type Schema struct {
	// Current is the version this build writes and the newest it reads.
	Current int
	// Legacy is the version of a database that holds buckets but no meta/version: one written before the
	// format was recorded. Zero means 1.
	Legacy int
	// Migrations are the steps from older versions, each From → From+1; Check validates the table.
	Migrations []Migration
}

// Open opens the bbolt database at path with opts and brings its format to s.Current (see Apply). On any
// error the database is closed again and nothing is written.
func (s Schema) Open(path string, opts *bolt.Options) (*bolt.DB, error) {
	db, err := bolt.Open(path, 0o600, opts)
	if err != nil {
		return nil, err
	}
	if err := db.Update(func(tx *bolt.Tx) error { _, err := s.Apply(tx, path); return err }); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// Apply reads the database's version in tx, fails with a TooNewError naming file when it is above
// s.Current, runs the migrations from it up to s.Current and records s.Current. It returns the version the
// database had. tx must be writable; the caller's rollback undoes everything on error.
func (s Schema) Apply(tx *bolt.Tx, file string) (from int, err error) {
	from, err = s.version(tx, file)
	if err != nil {
		return 0, err
	}
	if from > s.Current {
		return from, TooNew(file, from, s.Current)
	}
	for v := from; v < s.Current; v++ {
		step, ok := s.step(v)
		if !ok {
			return from, fmt.Errorf("%s has format %d; this porchlight reads %d to %d", file, from, s.oldest(), s.Current)
		}
		if err := step.Apply(tx); err != nil {
			return from, fmt.Errorf("%s: migrate format %d to %d: %w", file, step.From, step.To, err)
		}
	}
	meta, err := tx.CreateBucketIfNotExists(MetaBucket)
	if err != nil {
		return from, err
	}
	if from == s.Current && meta.Get(VersionKey) != nil {
		return from, nil // recorded already, in whatever width: an older build of the same format still reads it
	}
	return from, meta.Put(VersionKey, EncodeVersion(s.Current))
}

// EncodeVersion returns v as a big-endian number in as few bytes as it needs (one, for now: what the
// first release's index wrote, so a build of the same format reads it).
func EncodeVersion(v int) []byte {
	b := binary.BigEndian.AppendUint64(nil, uint64(v))
	for len(b) > 1 && b[0] == 0 {
		b = b[1:]
	}
	return b
}

// DecodeVersion reads a version that EncodeVersion wrote (1 to 8 bytes, big-endian).
func DecodeVersion(v []byte) (int, error) {
	if len(v) == 0 || len(v) > 8 {
		return 0, fmt.Errorf("%d bytes, want 1 to 8", len(v))
	}
	var n uint64
	for _, b := range v {
		n = n<<8 | uint64(b)
	}
	if n > 1<<31 {
		return 0, fmt.Errorf("%d is not a format version", n)
	}
	return int(n), nil
}

// Version reads the format version recorded in tx, or what an unversioned database is (Legacy when it
// holds buckets, Current when it is empty).
func (s Schema) Version(tx *bolt.Tx) (int, error) { return s.version(tx, tx.DB().Path()) }

func (s Schema) version(tx *bolt.Tx, file string) (int, error) {
	if meta := tx.Bucket(MetaBucket); meta != nil {
		if v := meta.Get(VersionKey); v != nil {
			n, err := DecodeVersion(v)
			if err != nil {
				return 0, fmt.Errorf("%s: meta/version: %w", file, err)
			}
			return n, nil
		}
	}
	empty := true
	tx.ForEach(func([]byte, *bolt.Bucket) error { empty = false; return nil })
	if empty {
		return s.Current, nil
	}
	if s.Legacy == 0 {
		return 1, nil
	}
	return s.Legacy, nil
}

func (s Schema) step(from int) (Migration, bool) {
	for _, m := range s.Migrations {
		if m.From == from {
			return m, true
		}
	}
	return Migration{}, false
}

// oldest is the oldest version from which the table reaches Current.
func (s Schema) oldest() int {
	v := s.Current
	for {
		if _, ok := s.step(v - 1); !ok {
			return v
		}
		v--
	}
}

// Check reports a malformed table: a step that is not From → From+1, a duplicate, or one that ends above
// Current. Packages call it from a test.
func (s Schema) Check() error {
	seen := map[int]bool{}
	for _, m := range s.Migrations {
		switch {
		case m.To != m.From+1:
			return fmt.Errorf("migration %d → %d: steps go one version at a time", m.From, m.To)
		case m.To > s.Current:
			return fmt.Errorf("migration %d → %d: ends above the current format %d", m.From, m.To, s.Current)
		case seen[m.From]:
			return fmt.Errorf("migration from %d: listed twice", m.From)
		case m.Apply == nil:
			return fmt.Errorf("migration %d → %d: no function", m.From, m.To)
		}
		seen[m.From] = true
	}
	return nil
}
