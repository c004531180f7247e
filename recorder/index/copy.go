package index

import (
	"bytes"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// copyBatch bounds the bytes one write transaction of WriteWithoutSegments holds in memory.
const copyBatch = 16 << 20

// WriteWithoutSegments writes to path (which must not exist) a new index database with this one's
// metadata and events, snapshots included, but no segments: what a backup that leaves out the segment
// files needs, since a recorder opening an index drops the records of segments whose files are absent
// (and indexes files it does not know). It reads in one transaction, so the copy is consistent while the
// recorder writes on; it writes in transactions of at most copyBatch bytes, so memory stays bounded.
func (db *DB) WriteWithoutSegments(path string) (err error) {
	dst, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second, NoSync: true, FreelistType: bolt.FreelistMapType})
	if err != nil {
		return fmt.Errorf("index: copy to %s: %w", path, err)
	}
	defer func() { err = errors.Join(err, dst.Close()) }()
	err = db.bolt.View(func(src *bolt.Tx) error {
		return src.ForEach(func(name []byte, b *bolt.Bucket) error {
			if bytes.Equal(name, bucketStreams) {
				return dst.Update(func(out *bolt.Tx) error {
					_, err := out.CreateBucket(name)
					return err
				})
			}
			return copyTopBucket(dst, name, b)
		})
	})
	if err != nil {
		return fmt.Errorf("index: copy to %s: %w", path, err)
	}
	return dst.Sync()
}

// copyTopBucket copies the top-level bucket src into dst under name, committing every copyBatch bytes.
// Nested buckets are copied whole within the transaction that meets them.
func copyTopBucket(dst *bolt.DB, name []byte, src *bolt.Bucket) error {
	c := src.Cursor()
	k, v := c.First()
	first := true
	for first || k != nil {
		err := dst.Update(func(out *bolt.Tx) error {
			b, err := out.CreateBucketIfNotExists(name)
			if err != nil {
				return err
			}
			if first {
				if err := b.SetSequence(src.Sequence()); err != nil {
					return err
				}
				first = false
			}
			n := 0
			for ; k != nil && n < copyBatch; k, v = c.Next() {
				if v == nil {
					if err := copyNested(b, k, src.Bucket(k)); err != nil {
						return err
					}
					continue
				}
				if err := b.Put(k, v); err != nil {
					return err
				}
				n += len(k) + len(v)
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// copyNested copies the nested bucket src into parent under name.
func copyNested(parent *bolt.Bucket, name []byte, src *bolt.Bucket) error {
	b, err := parent.CreateBucket(name)
	if err != nil {
		return err
	}
	if err := b.SetSequence(src.Sequence()); err != nil {
		return err
	}
	return src.ForEach(func(k, v []byte) error {
		if v == nil {
			return copyNested(b, k, src.Bucket(k))
		}
		return b.Put(k, v)
	})
}
