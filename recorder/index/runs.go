package index

import (
	"encoding/binary"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// run is the stored value of a run: the time it covers, in Unix nanoseconds.
type run struct{ start, end int64 }

// Spans returns the recorded ranges of stream that overlap [start, end), clipped to it, oldest first. An
// unknown stream has none. It reads only the runs, so it is fast whatever the length of the range.
func (db *DB) Spans(stream string, start, end time.Time) ([]Span, error) {
	if !start.Before(end) {
		return nil, nil
	}
	s, e := nanos(start), nanos(end)
	var spans []Span
	err := db.view(func(tx *bolt.Tx) error {
		sb, ok := readStream(tx, stream)
		if !ok {
			return nil
		}
		return sb.runs.ForEach(func(k, v []byte) error {
			r, err := decodeRun(k, v)
			if err != nil {
				return err
			}
			if r.end > s && r.start < e {
				spans = append(spans, Span{Start: time.Unix(0, max(r.start, s)).UTC(), End: time.Unix(0, min(r.end, e)).UTC()})
			}
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("index: spans of stream %q: %w", stream, err)
	}
	return spans, nil
}

// linkRun records that the segment of op belongs to run op.run. old is the summary of the record op
// replaced, if it replaced one that could be decoded; replaced says whether it replaced any.
func linkRun(s streamBuckets, op putOp, old *Segment, replaced bool) error {
	key, ok := runOf(s.runs, op.id)
	if ok && key >= op.run {
		grown := old != nil && op.start <= old.Start.UnixNano() && op.end >= old.End.UnixNano()
		if replaced && !grown {
			return fixRun(s, key) // the run may have to shrink
		}
		r, err := decodeRun(idKey(key), s.runs.Get(idKey(key)))
		if err != nil {
			return err
		}
		return putRun(s.runs, key, run{min(r.start, op.start), max(r.end, op.end)})
	}
	if err := putRun(s.runs, op.run, run{op.start, op.end}); err != nil {
		return err
	}
	if !replaced && !othersFrom(s.seg, op.run, op.id) {
		return nil // the usual new run: one segment after all others
	}
	// The new run takes over segments from op.run on that the run before it held.
	if ok {
		if err := fixRun(s, key); err != nil {
			return err
		}
	}
	return fixRun(s, op.run)
}

// unlinkRun fixes the run of segment id after its record was removed: the run's start or end moves to
// the neighbouring segment, a hole in the middle splits it, and a run left without segments goes. Only
// the neighbours of id are read.
func unlinkRun(s streamBuckets, id uint64) error {
	key, ok := runOf(s.runs, id)
	if !ok {
		return nil
	}
	r, err := decodeRun(idKey(key), s.runs.Get(idKey(key)))
	if err != nil {
		return err
	}
	next, hasNext := nextRun(s.runs, key)
	c := s.seg.Cursor()
	// A neighbour that cannot be decoded leaves the run as it is (possibly too long) rather than fail
	// the Delete: retention must be able to get past a corrupt record.
	var before, after *Segment
	k, v := c.Seek(idKey(id))
	if k != nil && (!hasNext || keyID(k) < next) {
		if after, err = decodeAt(k, v, UnmarshalSummary); err != nil {
			return nil
		}
	}
	if k == nil {
		k, v = c.Last()
	} else {
		k, v = c.Prev()
	}
	if k != nil && keyID(k) >= key {
		if before, err = decodeAt(k, v, UnmarshalSummary); err != nil {
			return nil
		}
	}
	switch {
	case before == nil && after == nil:
		return s.runs.Delete(idKey(key))
	case before == nil:
		return putRun(s.runs, key, run{after.Start.UnixNano(), r.end})
	case after == nil:
		return putRun(s.runs, key, run{r.start, before.End.UnixNano()})
	}
	// A hole in the middle: the second half becomes a run keyed by its first segment.
	if err := putRun(s.runs, key, run{r.start, before.End.UnixNano()}); err != nil {
		return err
	}
	return putRun(s.runs, after.ID, run{after.Start.UnixNano(), r.end})
}

// fixRun sets run key to span from the start of its first segment to the end of its last, the segments
// from key up to the next run key, or deletes it if it has none.
func fixRun(s streamBuckets, key uint64) error {
	next, hasNext := nextRun(s.runs, key)
	c := s.seg.Cursor()
	k, v := c.Seek(idKey(key))
	if k == nil || hasNext && keyID(k) >= next {
		return s.runs.Delete(idKey(key))
	}
	first, err := UnmarshalSummary(v)
	if err != nil {
		return fmt.Errorf("segment %d: %w", keyID(k), err)
	}
	if !hasNext {
		k, v = c.Last()
	} else if k, _ = c.Seek(idKey(next)); k == nil {
		k, v = c.Last()
	} else {
		k, v = c.Prev()
	}
	last, err := UnmarshalSummary(v)
	if err != nil {
		return fmt.Errorf("segment %d: %w", keyID(k), err)
	}
	return putRun(s.runs, key, run{first.Start.UnixNano(), last.End.UnixNano()})
}

// othersFrom reports whether seg holds a segment with an ID from from on other than id.
func othersFrom(seg *bolt.Bucket, from, id uint64) bool {
	c := seg.Cursor()
	k, _ := c.Seek(idKey(from))
	if k != nil && keyID(k) == id {
		k, _ = c.Next()
	}
	return k != nil
}

// runOf returns the greatest run key not above id.
func runOf(runs *bolt.Bucket, id uint64) (uint64, bool) {
	c := runs.Cursor()
	k, _ := c.Seek(idKey(id))
	if k != nil && keyID(k) == id {
		return id, true
	}
	if k == nil {
		k, _ = c.Last()
	} else {
		k, _ = c.Prev()
	}
	if k == nil {
		return 0, false
	}
	return keyID(k), true
}

// nextRun returns the smallest run key above key.
func nextRun(runs *bolt.Bucket, key uint64) (uint64, bool) {
	c := runs.Cursor()
	k, _ := c.Seek(idKey(key))
	if k != nil && keyID(k) == key {
		k, _ = c.Next()
	}
	if k == nil {
		return 0, false
	}
	return keyID(k), true
}

func putRun(runs *bolt.Bucket, key uint64, r run) error {
	v := binary.BigEndian.AppendUint64(make([]byte, 0, 16), uint64(r.start))
	return runs.Put(idKey(key), binary.BigEndian.AppendUint64(v, uint64(r.end)))
}

func decodeRun(k, v []byte) (run, error) {
	if len(k) != 8 || len(v) != 16 {
		return run{}, fmt.Errorf("%w: run key of %d bytes with value of %d bytes", ErrBadRecord, len(k), len(v))
	}
	return run{int64(binary.BigEndian.Uint64(v)), int64(binary.BigEndian.Uint64(v[8:]))}, nil
}
