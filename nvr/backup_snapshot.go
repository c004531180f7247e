package nvr

import (
	"errors"
	"fmt"
	"os"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/porchlight/porchlight/federation"
	"github.com/porchlight/porchlight/nvr/notify"
	"github.com/porchlight/porchlight/ui"
)

// nodeBackups gives consistent copies of the databases a running node holds open (ui.Backups).
type nodeBackups struct{ n *Node }

// SnapshotDatabase begins a read transaction on the database named by its file name.
func (b nodeBackups) SnapshotDatabase(name string, recordings bool) (ui.DatabaseSnapshot, error) {
	s, err := b.snapshot(name, recordings)
	if errors.Is(err, errNoSnapshot) {
		return nil, fmt.Errorf("%w: %s: %w", ui.ErrNotFound, name, err)
	}
	return s, err
}

// snapshot is SnapshotDatabase with errNoSnapshot for a database the node does not hold.
func (b nodeBackups) snapshot(name string, recordings bool) (ui.DatabaseSnapshot, error) {
	var tx *bolt.Tx
	var err error
	switch name {
	case indexFile:
		if !recordings {
			return b.indexWithoutSegments()
		}
		tx, err = b.n.rec.SnapshotIndex()
	case federation.StoreFile:
		tx, err = b.n.fed.SnapshotStore()
	case notify.DBFile:
		tx, err = b.n.notes.n.Snapshot()
	default:
		return nil, errNoSnapshot
	}
	if err != nil {
		return nil, err
	}
	if tx == nil {
		return nil, errNoSnapshot
	}
	return tx, nil
}

// indexFile is the recorder's database in the data dir.
const indexFile = "index.db"

// indexWithoutSegments copies the index without its segment records into a temporary file in the data dir
// (a dot file: backups skip it) and returns a snapshot of that copy, removed when it ends.
func (b nodeBackups) indexWithoutSegments() (ui.DatabaseSnapshot, error) {
	f, err := os.CreateTemp(b.n.cfg.DataDir(), "."+indexFile+".backup-*")
	if err != nil {
		return nil, err
	}
	path := f.Name()
	f.Close()
	if err := b.n.rec.WriteIndexWithoutSegments(path); err != nil {
		os.Remove(path)
		return nil, err
	}
	s, err := openFileSnapshot(path)
	if err != nil {
		os.Remove(path)
		return nil, err
	}
	return removeAfter{s, path}, nil
}

// removeAfter is a snapshot of a temporary file, removed when the snapshot ends.
type removeAfter struct {
	ui.DatabaseSnapshot
	path string
}

func (r removeAfter) Rollback() error {
	return errors.Join(r.DatabaseSnapshot.Rollback(), os.Remove(r.path))
}

// fileSnapshot is a copy of a database file nobody holds open: the file opened read-only.
type fileSnapshot struct {
	*bolt.Tx
	db *bolt.DB
}

func (s fileSnapshot) Rollback() error { return errors.Join(s.Tx.Rollback(), s.db.Close()) }

// openFileSnapshot opens the database at path read-only (a shared lock: it fails after a few seconds if
// a running node holds the file) and begins a read transaction.
func openFileSnapshot(path string) (ui.DatabaseSnapshot, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: 3 * time.Second})
	if err != nil {
		if errors.Is(err, bolt.ErrTimeout) {
			return nil, fmt.Errorf("open %s: locked by a running node that did not answer: %w", path, err)
		}
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	tx, err := db.Begin(false)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	return fileSnapshot{Tx: tx, db: db}, nil
}
