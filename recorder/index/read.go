package index

import (
	"bytes"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Records decoded per read transaction by Segments and Summaries; bounds memory and transaction length.
const (
	segmentsPage  = 16
	summariesPage = 512
)

// Get returns segment id of stream, fully decoded. It returns an error wrapping ErrNotFound if there is
// no such segment and ErrBadRecord if its record cannot be decoded.
func (db *DB) Get(stream string, id uint64) (*Segment, error) {
	var seg *Segment
	err := db.view(func(tx *bolt.Tx) error {
		s, ok := readStream(tx, stream)
		if !ok {
			return fmt.Errorf("segment %d: %w", id, ErrNotFound)
		}
		var err error
		seg, err = getSegment(s, id)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("index: get from stream %q: %w", stream, err)
	}
	return seg, nil
}

// Last returns the segment of stream with the highest ID, fully decoded, or an error wrapping ErrNotFound
// if the stream has none.
func (db *DB) Last(stream string) (*Segment, error) {
	var seg *Segment
	err := db.view(func(tx *bolt.Tx) error {
		s, ok := readStream(tx, stream)
		if !ok {
			return ErrNotFound
		}
		k, v := s.seg.Cursor().Last()
		if k == nil {
			return ErrNotFound
		}
		var err error
		seg, err = decodeAt(k, v, UnmarshalSegment)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("index: last segment of stream %q: %w", stream, err)
	}
	return seg, nil
}

// Streams returns the keys of the streams that have stored segments at some time, sorted.
func (db *DB) Streams() ([]string, error) {
	var streams []string
	err := db.view(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketStreams).ForEach(func(k, v []byte) error {
			if v == nil {
				streams = append(streams, string(k))
			}
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("index: streams: %w", err)
	}
	return streams, nil
}

// Segments calls fn with each segment of stream that overlaps [start, end), fully decoded, in order of
// start time. That includes the latest segment starting before start if it ends after start. It stops at
// the first error, from fn (returned as is) or from decoding. fn runs outside any transaction.
func (db *DB) Segments(stream string, start, end time.Time, fn func(*Segment) error) error {
	if !start.Before(end) {
		return nil
	}
	from, to := nanos(start), nanos(end)
	var after []byte // time key of the last segment read
	for done := false; !done; {
		page := make([]*Segment, 0, segmentsPage)
		err := db.view(func(tx *bolt.Tx) error {
			done = true
			s, ok := readStream(tx, stream)
			if !ok {
				return nil
			}
			c := s.time.Cursor()
			k := firstTimeKey(c, after, from)
			for n := 0; k != nil; k, _ = c.Next() {
				if len(k) != 16 {
					return fmt.Errorf("%w: time key of %d bytes", ErrBadRecord, len(k))
				}
				if timeKeyNanos(k) >= to {
					return nil
				}
				if n == segmentsPage {
					done = false
					return nil
				}
				n++
				after = append(after[:0], k...)
				seg, err := getSegment(s, timeKeyID(k))
				if err != nil {
					return err
				}
				if seg.End.UnixNano() > from {
					page = append(page, seg)
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("index: segments of stream %q: %w", stream, err)
		}
		for _, seg := range page {
			if err := fn(seg); err != nil {
				return err
			}
		}
	}
	return nil
}

// firstTimeKey positions c at the first time key after after or, on the first page, at the last
// segment starting before from (it may still overlap) or else at the first starting at or after from.
func firstTimeKey(c *bolt.Cursor, after []byte, from int64) []byte {
	if after != nil {
		k, _ := seekAfter(c, after)
		return k
	}
	seek := timeKey(from, 0)
	k, _ := c.Seek(seek)
	if k == nil {
		k, _ = c.Last()
	} else {
		k, _ = c.Prev()
	}
	if k != nil {
		return k
	}
	k, _ = c.Seek(seek)
	return k
}

// Summaries calls fn with every segment of stream in ID order, which is oldest first, decoded by
// UnmarshalSummary (no frames or parts). It stops at the first error, from fn (returned as is) or from
// decoding. fn runs outside any transaction, so it may call Delete.
func (db *DB) Summaries(stream string, fn func(*Segment) error) error {
	return db.SummariesFrom(stream, 0, fn)
}

// SummariesFrom is Summaries from the segment with ID from on (or the first after it): a caller that
// knows where its interest begins does not read the older segments again.
func (db *DB) SummariesFrom(stream string, from uint64, fn func(*Segment) error) error {
	var after []byte // key of the last segment read
	if from > 0 {
		after = idKey(from - 1)
	}
	for done := false; !done; {
		page := make([]*Segment, 0, summariesPage)
		err := db.view(func(tx *bolt.Tx) error {
			done = true
			s, ok := readStream(tx, stream)
			if !ok {
				return nil
			}
			c := s.seg.Cursor()
			for k, v := seekAfter(c, after); k != nil; k, v = c.Next() {
				if len(page) == summariesPage {
					done = false
					return nil
				}
				after = append(after[:0], k...)
				seg, err := decodeAt(k, v, UnmarshalSummary)
				if err != nil {
					return err
				}
				page = append(page, seg)
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("index: summaries of stream %q: %w", stream, err)
		}
		for _, seg := range page {
			if err := fn(seg); err != nil {
				return err
			}
		}
	}
	return nil
}

// seekAfter positions c at the first key after after, or at the first key if after is nil.
func seekAfter(c *bolt.Cursor, after []byte) ([]byte, []byte) {
	if after == nil {
		return c.First()
	}
	k, v := c.Seek(after)
	if k != nil && bytes.Equal(k, after) {
		return c.Next()
	}
	return k, v
}

func getSegment(s streamBuckets, id uint64) (*Segment, error) {
	k := idKey(id)
	return decodeAt(k, s.seg.Get(k), UnmarshalSegment)
}

func getSummary(s streamBuckets, id uint64) (*Segment, error) {
	k := idKey(id)
	return decodeAt(k, s.seg.Get(k), UnmarshalSummary)
}

// decodeAt decodes the record v stored under key k, naming the segment in errors.
func decodeAt(k, v []byte, decode func([]byte) (*Segment, error)) (*Segment, error) {
	if len(k) != 8 {
		return nil, fmt.Errorf("%w: segment key of %d bytes", ErrBadRecord, len(k))
	}
	if v == nil {
		return nil, fmt.Errorf("segment %d: %w", keyID(k), ErrNotFound)
	}
	seg, err := decode(v)
	if err != nil {
		return nil, fmt.Errorf("segment %d: %w", keyID(k), err)
	}
	return seg, nil
}
