package notify

import (
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// Snapshot begins a read transaction on the queue for a consistent copy of notify.db (Tx.Size bytes that
// Tx.WriteTo writes), for a backup while the node runs; nil, nil while the queue is not open (no channel
// or push subscription yet: whoever copies the file may open it). The caller must Rollback it, soon.
func (n *Notifier) Snapshot() (*bolt.Tx, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.q == nil {
		return nil, nil
	}
	tx, err := n.q.db.Begin(false)
	if err != nil {
		return nil, fmt.Errorf("notify: snapshot: %w", err)
	}
	return tx, nil
}
