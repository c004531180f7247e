package tlog

import (
	"encoding/binary"
	"fmt"

	bolt "go.etcd.io/bbolt"
	"golang.org/x/mod/sumdb/tlog"
)

// Names inside a log's bucket. Entries and hashes are sub-buckets keyed by big-endian index, so bbolt
// keeps them in order and appends go to the end of the B+tree.
var (
	entriesBucket = []byte("entries")
	hashesBucket  = []byte("hashes")
	sizeKey       = []byte("size")
	checkpointKey = []byte("checkpoint")
)

// emptyTreeHash is the RFC 6962 hash of the empty tree, as the library computes it.
var emptyTreeHash, _ = tlog.TreeHash(0, nil)

func u64key(n int64) []byte {
	return binary.BigEndian.AppendUint64(nil, uint64(n))
}

// hashStore reads and writes the tree's stored hashes (tlog.StoredHashIndex order) in one transaction.
// Hashes written earlier in the same write transaction are visible to later reads, which is what lets
// a whole batch be appended in one transaction.
type hashStore struct{ b *bolt.Bucket }

// ReadHashes implements tlog.HashReader.
func (s hashStore) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	for i, idx := range indexes {
		v := s.b.Get(u64key(idx))
		if len(v) != tlog.HashSize {
			return nil, fmt.Errorf("tlog: stored hash %d missing or %d bytes", idx, len(v))
		}
		copy(out[i][:], v)
	}
	return out, nil
}

func (s hashStore) write(first int64, hashes []tlog.Hash) error {
	for i, h := range hashes {
		if err := s.b.Put(u64key(first+int64(i)), h[:]); err != nil {
			return err
		}
	}
	return nil
}

// logBuckets returns the log's bucket and its sub-buckets in a transaction.
type logBuckets struct {
	root, entries *bolt.Bucket
	hashes        hashStore
}

func openBuckets(tx *bolt.Tx, name []byte) (logBuckets, error) {
	root := tx.Bucket(name)
	if root == nil {
		return logBuckets{}, fmt.Errorf("tlog: bucket %q missing", name)
	}
	e, h := root.Bucket(entriesBucket), root.Bucket(hashesBucket)
	if e == nil || h == nil {
		return logBuckets{}, fmt.Errorf("tlog: bucket %q lacks entries or hashes", name)
	}
	return logBuckets{root: root, entries: e, hashes: hashStore{h}}, nil
}

func createBuckets(tx *bolt.Tx, name []byte) (logBuckets, error) {
	root, err := tx.CreateBucketIfNotExists(name)
	if err != nil {
		return logBuckets{}, fmt.Errorf("tlog: bucket %q: %w", name, err)
	}
	for _, sub := range [][]byte{entriesBucket, hashesBucket} {
		if _, err := root.CreateBucketIfNotExists(sub); err != nil {
			return logBuckets{}, fmt.Errorf("tlog: bucket %q/%s: %w", name, sub, err)
		}
	}
	return openBuckets(tx, name)
}

func (b logBuckets) size() (int64, error) {
	v := b.root.Get(sizeKey)
	if v == nil {
		return 0, nil
	}
	if len(v) != 8 || int64(binary.BigEndian.Uint64(v)) < 0 {
		return 0, fmt.Errorf("tlog: stored size is corrupt (%d bytes)", len(v))
	}
	return int64(binary.BigEndian.Uint64(v)), nil
}
