package index

import (
	"errors"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// errClosed: the database was closed.
var errClosed = errors.New("index: closed")

// Ping reads the database once: nil when it is open and answers (for readiness checks).
func (d *DB) Ping() error {
	if d.closed.Load() {
		return errClosed
	}
	if err := d.bolt.View(func(tx *bolt.Tx) error {
		if tx.Bucket(bucketMeta) == nil {
			return errors.New("no meta bucket")
		}
		return nil
	}); err != nil {
		return fmt.Errorf("index: %s: %w", d.path, err)
	}
	return nil
}
