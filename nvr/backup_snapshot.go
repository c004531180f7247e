package nvr

import (
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/porchlight/porchlight/federation"
	"github.com/porchlight/porchlight/nvr/notify"
	"github.com/porchlight/porchlight/ui"
)

// nodeBackups gives consistent copies of the databases a running node holds open (ui.Backups).
type nodeBackups struct{ n *Node }

// SnapshotDatabase begins a read transaction on the database named by its file name.
func (b nodeBackups) SnapshotDatabase(name string) (ui.DatabaseSnapshot, error) {
	s, err := b.snapshot(name)
	if errors.Is(err, errNoSnapshot) {
		return nil, fmt.Errorf("%w: %s: %w", ui.ErrNotFound, name, err)
	}
	return s, err
}

// snapshot is SnapshotDatabase with errNoSnapshot for a database the node does not hold.
func (b nodeBackups) snapshot(name string) (ui.DatabaseSnapshot, error) {
	var tx *bolt.Tx
	var err error
	switch name {
	case "index.db":
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
