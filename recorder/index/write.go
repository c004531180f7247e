package index

import (
	"errors"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// putOp is a segment ready to store, detached from the caller's Segment.
type putOp struct {
	id, run    uint64
	start, end int64 // Unix nanoseconds
	size       int64
	rec        []byte
}

func newPutOp(seg *Segment) (putOp, error) {
	if seg == nil {
		return putOp{}, errors.New("nil segment")
	}
	if seg.Run > seg.ID {
		return putOp{}, fmt.Errorf("segment %d: run %d starts after it", seg.ID, seg.Run)
	}
	rec, err := MarshalSegment(seg)
	if err != nil {
		return putOp{}, err
	}
	return putOp{seg.ID, seg.Run, seg.Start.UnixNano(), seg.End.UnixNano(), seg.Size, rec}, nil
}

// Put stores seg in stream, replacing the segment with the same ID if there is one, and extends (or, for
// a replaced segment, corrects) the run seg.Run. Concurrent Puts share one commit, so Put may wait up to
// 10 ms for others to join.
func (db *DB) Put(stream string, seg *Segment) error {
	if stream == "" {
		return errors.New("index: put: empty stream key")
	}
	op, err := newPutOp(seg)
	if err != nil {
		return fmt.Errorf("index: put to stream %q: %w", stream, err)
	}
	if err := db.batch(func(tx *bolt.Tx) error { return putTx(tx, stream, []putOp{op}) }); err != nil {
		return fmt.Errorf("index: put stream %q segment %d: %w", stream, op.id, err)
	}
	return nil
}

// PutMany stores segs in stream in one transaction, as if by Put for each in turn. It suits loading many
// segments at once, as when rebuilding an index from segment files.
func (db *DB) PutMany(stream string, segs []*Segment) error {
	if stream == "" {
		return errors.New("index: put: empty stream key")
	}
	ops := make([]putOp, len(segs))
	for i, seg := range segs {
		var err error
		if ops[i], err = newPutOp(seg); err != nil {
			return fmt.Errorf("index: put to stream %q: %w", stream, err)
		}
	}
	if err := db.update(func(tx *bolt.Tx) error { return putTx(tx, stream, ops) }); err != nil {
		return fmt.Errorf("index: put %d segments to stream %q: %w", len(ops), stream, err)
	}
	return nil
}

func putTx(tx *bolt.Tx, stream string, ops []putOp) error {
	s, err := writeStream(tx, stream)
	if err != nil {
		return err
	}
	var bytes int64
	added := 0
	for _, op := range ops {
		existed, old, err := dropTimeKey(s, op.id)
		if err != nil {
			return err
		}
		if old != nil {
			bytes -= old.Size
		}
		if !existed {
			added++
		}
		bytes += op.size
		if err := s.seg.Put(idKey(op.id), op.rec); err != nil {
			return err
		}
		if err := s.time.Put(timeKey(op.start, op.id), []byte{}); err != nil {
			return err
		}
		if err := linkRun(s, op, old, existed); err != nil {
			return err
		}
	}
	return addUsage(s, bytes, added)
}

// Delete removes segment id from stream and fixes its run: the run's start or end moves to the
// neighbouring segment, deleting from the middle splits the run, and a run left empty goes. It returns
// an error wrapping ErrNotFound if there is no such segment.
func (db *DB) Delete(stream string, id uint64) error {
	err := db.update(func(tx *bolt.Tx) error {
		s, ok := readStream(tx, stream)
		if !ok {
			return ErrNotFound
		}
		existed, old, err := dropTimeKey(s, id)
		if err != nil {
			return err
		}
		if !existed {
			return ErrNotFound
		}
		var size int64
		if old != nil {
			size = old.Size
		}
		if err := s.seg.Delete(idKey(id)); err != nil {
			return err
		}
		if err := unlinkRun(s, id); err != nil {
			return err
		}
		return addUsage(s, -size, -1)
	})
	if err != nil {
		return fmt.Errorf("index: delete stream %q segment %d: %w", stream, id, err)
	}
	return nil
}

// dropTimeKey removes the time key of the record stored under id and returns whether there is such a
// record and its summary. For a record it cannot decode it finds the key by scanning and returns a nil
// summary, so that corrupt records can still be replaced and deleted.
func dropTimeKey(s streamBuckets, id uint64) (existed bool, old *Segment, err error) {
	v := s.seg.Get(idKey(id))
	if v == nil {
		return false, nil, nil
	}
	if old, err := UnmarshalSummary(v); err == nil {
		return true, old, s.time.Delete(timeKey(old.Start.UnixNano(), id))
	}
	var stale [][]byte
	c := s.time.Cursor()
	for k, _ := c.First(); k != nil; k, _ = c.Next() {
		if len(k) == 16 && timeKeyID(k) == id {
			stale = append(stale, append([]byte(nil), k...))
		}
	}
	for _, k := range stale {
		if err := s.time.Delete(k); err != nil {
			return true, nil, err
		}
	}
	return true, nil, nil
}
