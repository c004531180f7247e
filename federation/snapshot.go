package federation

import (
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// StoreFile is the federation's bbolt database in the data dir: hood memberships, certificates, alerts,
// peers and the agency side's buckets.
const StoreFile = "federation.db"

// SnapshotStore begins a read transaction on the store for a consistent copy of it (Tx.Size bytes that
// Tx.WriteTo writes), for a backup while the node runs. Alerts still queued in the batch writer are not in
// it. The caller must Rollback the transaction, soon.
func (n *Node) SnapshotStore() (*bolt.Tx, error) {
	tx, err := n.store.db.Begin(false)
	if err != nil {
		return nil, fmt.Errorf("federation: snapshot: %w", err)
	}
	return tx, nil
}
