package index

import (
	"encoding/binary"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Usage sums up the segments of one stream.
type Usage struct {
	Bytes    int64     // sum of Segment.Size
	Segments int       // number of segments
	Oldest   time.Time // Start of the earliest segment; zero without segments
	Newest   time.Time // End of the segment that starts last; zero without segments
}

// Usage returns the totals of stream, read from one stored key. A stream without segments, known or
// not, has a zero Usage.
func (db *DB) Usage(stream string) (Usage, error) {
	var u Usage
	err := db.view(func(tx *bolt.Tx) error {
		s, ok := readStream(tx, stream)
		if !ok {
			return nil
		}
		var err error
		u, err = decodeUsage(s.root.Get(keyUsage))
		return err
	})
	if err != nil {
		return Usage{}, fmt.Errorf("index: usage of stream %q: %w", stream, err)
	}
	return u, nil
}

// addUsage adds the given deltas to the stored totals of s and refreshes Oldest and Newest from the
// first and last entries of the time bucket.
func addUsage(s streamBuckets, bytes int64, segments int) error {
	u, err := decodeUsage(s.root.Get(keyUsage))
	if err != nil {
		return err
	}
	u.Bytes += bytes
	u.Segments += segments
	u.Oldest, u.Newest = time.Time{}, time.Time{}
	c := s.time.Cursor()
	if k, _ := c.First(); k != nil {
		u.Oldest = time.Unix(0, timeKeyNanos(k)).UTC()
		k, _ = c.Last()
		last, err := getSummary(s, timeKeyID(k))
		if err != nil {
			return err
		}
		u.Newest = last.End
	}
	return s.root.Put(keyUsage, encodeUsage(u))
}

func encodeUsage(u Usage) []byte {
	b := make([]byte, 0, 32)
	b = binary.BigEndian.AppendUint64(b, uint64(u.Bytes))
	b = binary.BigEndian.AppendUint64(b, uint64(u.Segments))
	var oldest, newest int64
	if u.Segments > 0 {
		oldest, newest = u.Oldest.UnixNano(), u.Newest.UnixNano()
	}
	b = binary.BigEndian.AppendUint64(b, uint64(oldest))
	return binary.BigEndian.AppendUint64(b, uint64(newest))
}

func decodeUsage(b []byte) (Usage, error) {
	if b == nil {
		return Usage{}, nil
	}
	if len(b) != 32 {
		return Usage{}, fmt.Errorf("%w: usage is %d bytes, want 32", ErrBadRecord, len(b))
	}
	u := Usage{
		Bytes:    int64(binary.BigEndian.Uint64(b)),
		Segments: int(binary.BigEndian.Uint64(b[8:])),
	}
	if u.Segments > 0 {
		u.Oldest = time.Unix(0, int64(binary.BigEndian.Uint64(b[16:]))).UTC()
		u.Newest = time.Unix(0, int64(binary.BigEndian.Uint64(b[24:]))).UTC()
	}
	return u, nil
}
