package index

import (
	"encoding/binary"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"github.com/porchlight/porchlight/internal/formats"
)

// FormatVersion is the version of the database layout and record formats this build writes and the newest
// it reads, stored under meta/version (one byte, as the first release wrote it).
const FormatVersion = 1

// Schema is the index's format and its migrations (none yet: version 1 is the first release's). A
// database newer than FormatVersion is refused with an error naming the file.
var Schema = formats.Schema{Current: FormatVersion}

// DefaultTimeout is how long Open waits for another process to release the database file when
// Options.Timeout is zero.
const DefaultTimeout = time.Second

// Bucket and key names; see the package documentation for the layout.
var (
	bucketMeta    = []byte("meta")
	bucketStreams = []byte("streams")
	bucketSeg     = []byte("seg")
	bucketTime    = []byte("time")
	bucketRuns    = []byte("runs")
	keySegments   = []byte("segments")
	keyUsage      = []byte("usage")
)

// Options configures Open. A nil *Options means the zero value: synced commits and DefaultTimeout.
type Options struct {
	// NoSync skips fsync on commit. Faster, but a power loss can lose or corrupt the index; meant for
	// building throwaway databases.
	NoSync bool
	// Timeout is how long Open waits for the file lock another process holds; zero means DefaultTimeout.
	Timeout time.Duration
	// SegmentLayout is the version of the segment files and their directories that the caller (the
	// recorder) writes, recorded under meta/segments; a database recording a newer layout is refused.
	// Zero: neither checked nor recorded.
	SegmentLayout int
}

// DB is an open index database.
type DB struct {
	bolt   *bolt.DB
	path   string
	closed atomic.Bool
}

// Open opens the index at path, creating the file if it does not exist. The directory must exist.
func Open(path string, opts *Options) (*DB, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.Timeout == 0 {
		o.Timeout = DefaultTimeout
	}
	b, err := bolt.Open(path, 0o600, &bolt.Options{
		Timeout:      o.Timeout,
		NoSync:       o.NoSync,
		FreelistType: bolt.FreelistMapType,
	})
	if err != nil {
		return nil, fmt.Errorf("index: open %s: %w", path, err)
	}
	if err := b.Update(func(tx *bolt.Tx) error { return initLayout(tx, path, o.SegmentLayout) }); err != nil {
		b.Close()
		if errors.Is(err, formats.ErrTooNew) {
			return nil, err // names the file already
		}
		return nil, fmt.Errorf("index: open %s: %w", path, err)
	}
	return &DB{bolt: b, path: path}, nil
}

func initLayout(tx *bolt.Tx, path string, segLayout int) error {
	if _, err := Schema.Apply(tx, path); err != nil {
		return err
	}
	if _, err := tx.CreateBucketIfNotExists(bucketStreams); err != nil {
		return err
	}
	if err := initEvents(tx); err != nil {
		return err
	}
	return recordSegmentLayout(tx.Bucket(bucketMeta), path, segLayout)
}

// recordSegmentLayout checks the segment layout recorded in meta against want and records want; an index
// from before the layout was recorded has layout 1.
func recordSegmentLayout(meta *bolt.Bucket, path string, want int) error {
	if want == 0 {
		return nil
	}
	have := 1
	if v := meta.Get(keySegments); v != nil {
		var err error
		if have, err = formats.DecodeVersion(v); err != nil {
			return fmt.Errorf("%s: meta/segments: %w", path, err)
		}
		if have == want {
			return nil
		}
	}
	if have > want {
		return formats.TooNew(path+" (segment layout)", have, want)
	}
	if have < want {
		return fmt.Errorf("%s has segment layout %d; this porchlight reads %d", path, have, want)
	}
	return meta.Put(keySegments, formats.EncodeVersion(want))
}

// SegmentLayout returns the segment layout recorded in the database (1 when none is recorded).
func (db *DB) SegmentLayout() (int, error) {
	n := 1
	err := db.view(func(tx *bolt.Tx) error {
		if v := tx.Bucket(bucketMeta).Get(keySegments); v != nil {
			var err error
			n, err = formats.DecodeVersion(v)
			return err
		}
		return nil
	})
	return n, err
}

// Close closes the database, waiting for running transactions. Calling it again returns nil.
func (db *DB) Close() error {
	if db.closed.Swap(true) {
		return nil
	}
	if err := db.bolt.Close(); err != nil {
		return fmt.Errorf("index: close %s: %w", db.path, err)
	}
	return nil
}

// view runs fn in a read transaction, reporting ErrClosed for a closed database.
func (db *DB) view(fn func(*bolt.Tx) error) error {
	if db.closed.Load() {
		return ErrClosed
	}
	return closedErr(db.bolt.View(fn))
}

// update runs fn in a write transaction of its own.
func (db *DB) update(fn func(*bolt.Tx) error) error {
	if db.closed.Load() {
		return ErrClosed
	}
	return closedErr(db.bolt.Update(fn))
}

// batch runs fn in a write transaction that may be shared with concurrent callers; fn may run twice.
func (db *DB) batch(fn func(*bolt.Tx) error) error {
	if db.closed.Load() {
		return ErrClosed
	}
	return closedErr(db.bolt.Batch(fn))
}

// closedErr maps bbolt's error for a database closed under a running call to ErrClosed.
func closedErr(err error) error {
	if errors.Is(err, berrors.ErrDatabaseNotOpen) {
		return ErrClosed
	}
	return err
}

// streamBuckets are the buckets of one stream.
type streamBuckets struct {
	root, seg, time, runs *bolt.Bucket
}

// readStream returns the buckets of stream, or ok false when the stream has none.
func readStream(tx *bolt.Tx, stream string) (streamBuckets, bool) {
	root := tx.Bucket(bucketStreams).Bucket([]byte(stream))
	if root == nil {
		return streamBuckets{}, false
	}
	s := streamBuckets{root: root, seg: root.Bucket(bucketSeg), time: root.Bucket(bucketTime), runs: root.Bucket(bucketRuns)}
	return s, s.seg != nil && s.time != nil && s.runs != nil
}

// writeStream returns the buckets of stream, creating them if needed.
func writeStream(tx *bolt.Tx, stream string) (streamBuckets, error) {
	root, err := tx.Bucket(bucketStreams).CreateBucketIfNotExists([]byte(stream))
	if err != nil {
		return streamBuckets{}, err
	}
	s := streamBuckets{root: root}
	for _, b := range []struct {
		dst  **bolt.Bucket
		name []byte
	}{{&s.seg, bucketSeg}, {&s.time, bucketTime}, {&s.runs, bucketRuns}} {
		if *b.dst, err = root.CreateBucketIfNotExists(b.name); err != nil {
			return streamBuckets{}, err
		}
	}
	return s, nil
}

func idKey(id uint64) []byte { return binary.BigEndian.AppendUint64(make([]byte, 0, 8), id) }

func keyID(k []byte) uint64 { return binary.BigEndian.Uint64(k) }

// timeKey orders by start time, then ID. Flipping the sign bit makes negative times sort first.
func timeKey(nanos int64, id uint64) []byte {
	k := binary.BigEndian.AppendUint64(make([]byte, 0, 16), uint64(nanos)^(1<<63))
	return binary.BigEndian.AppendUint64(k, id)
}

func timeKeyNanos(k []byte) int64 { return int64(binary.BigEndian.Uint64(k) ^ (1 << 63)) }

func timeKeyID(k []byte) uint64 { return binary.BigEndian.Uint64(k[8:]) }

// nanos converts t to Unix nanoseconds, clamping times outside the representable range.
func nanos(t time.Time) int64 {
	switch {
	case t.Before(minTime):
		return minTime.UnixNano()
	case t.After(maxTime):
		return maxTime.UnixNano()
	}
	return t.UnixNano()
}

// Snapshot begins a read transaction for a consistent copy of the whole database: Tx.Size bytes that
// Tx.WriteTo writes while the index goes on being written. The caller must Rollback it, soon: a long
// read transaction holds back the reuse of freed pages.
func (db *DB) Snapshot() (*bolt.Tx, error) {
	tx, err := db.bolt.Begin(false)
	if err != nil {
		return nil, fmt.Errorf("index: snapshot %s: %w", db.path, err)
	}
	return tx, nil
}
