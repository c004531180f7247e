package index

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Event buckets; see the package documentation for the layout.
var (
	bucketEvents   = []byte("events")
	bucketEvTime   = []byte("evtime")
	bucketEvOpen   = []byte("evopen")
	bucketEvCams   = []byte("evcams")
	bucketEvSnap   = []byte("evsnap")
	eventBuckets   = [][]byte{bucketEvents, bucketEvTime, bucketEvOpen, bucketEvCams, bucketEvSnap}
	errEventLayout = fmt.Errorf("%w: event buckets missing", ErrBadRecord)
)

// MaxSnapshotBytes bounds a stored snapshot JPEG.
const MaxSnapshotBytes = 4 << 20

func initEvents(tx *bolt.Tx) error {
	for _, name := range eventBuckets {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return err
		}
	}
	return nil
}

// evTimeKey orders a camera's events by start, then ID: camera, a zero byte, then timeKey.
func evTimeKey(camera string, start int64, id uint64) []byte {
	k := make([]byte, 0, len(camera)+17)
	k = append(append(k, camera...), 0)
	return append(k, timeKey(start, id)...)
}

// OpenEvent stores a new event (its ID and End are ignored: it is open) and returns it with its ID.
func (db *DB) OpenEvent(e Event) (Event, error) {
	e.End = time.Time{}
	if _, err := MarshalEvent(e); err != nil {
		return Event{}, err
	}
	err := db.batch(func(tx *bolt.Tx) error {
		var err error
		e, err = insertEvent(tx, e)
		return err
	})
	if err != nil {
		return Event{}, fmt.Errorf("index: open event of %q: %w", e.Camera, err)
	}
	return e, nil
}

// PutEvents stores events (open ones with a zero End) in one transaction, assigning IDs in order, and
// returns them with their IDs: for loading many at once.
func (db *DB) PutEvents(evs []Event) ([]Event, error) {
	out := make([]Event, len(evs))
	err := db.update(func(tx *bolt.Tx) error {
		for i, e := range evs {
			var err error
			if out[i], err = insertEvent(tx, e); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("index: put events: %w", err)
	}
	return out, nil
}

// insertEvent stores e under a new ID, open or closed as its End says.
func insertEvent(tx *bolt.Tx, e Event) (Event, error) {
	evs := tx.Bucket(bucketEvents)
	id, err := evs.NextSequence()
	if err != nil {
		return Event{}, err
	}
	e.ID = id
	e.Start, e.End = stored(e.Start), stored(e.End)
	if !e.Open() && e.End.Before(e.Start) {
		e.End = e.Start
	}
	if err := putEvent(tx, e); err != nil {
		return Event{}, err
	}
	if err := tx.Bucket(bucketEvTime).Put(evTimeKey(e.Camera, nanos(e.Start), id), nil); err != nil {
		return Event{}, err
	}
	if e.Open() {
		if err := tx.Bucket(bucketEvOpen).Put(idKey(id), nil); err != nil {
			return Event{}, err
		}
	}
	return e, noteLongest(tx, e)
}

// noteLongest keeps the longest closed event of each camera, which bounds the query scans.
func noteLongest(tx *bolt.Tx, e Event) error {
	cams := tx.Bucket(bucketEvCams)
	var d uint64
	if !e.Open() {
		d = uint64(e.End.Sub(e.Start))
	}
	if v := cams.Get([]byte(e.Camera)); len(v) != 8 || binary.BigEndian.Uint64(v) < d {
		return cams.Put([]byte(e.Camera), binary.BigEndian.AppendUint64(nil, d))
	}
	return nil
}

// CloseEvent ends event id at end with its final score and returns it. Closing a closed event moves its
// end; an end before the start is taken as the start.
func (db *DB) CloseEvent(id uint64, end time.Time, score float64) (Event, error) {
	var e Event
	err := db.batch(func(tx *bolt.Tx) error {
		var err error
		if e, err = getEvent(tx, id); err != nil {
			return err
		}
		e.End, e.Score = stored(end), min(max(score, 0), 1)
		if e.End.Before(e.Start) {
			e.End = e.Start
		}
		if err := putEvent(tx, e); err != nil {
			return err
		}
		if err := tx.Bucket(bucketEvOpen).Delete(idKey(id)); err != nil {
			return err
		}
		return noteLongest(tx, e)
	})
	if err != nil {
		return Event{}, fmt.Errorf("index: close event %d: %w", id, err)
	}
	return e, nil
}

// SetEventSnapshot stores jpeg as the snapshot of event id, replacing any earlier one.
func (db *DB) SetEventSnapshot(id uint64, jpeg []byte) error {
	if len(jpeg) == 0 || len(jpeg) > MaxSnapshotBytes {
		return fmt.Errorf("index: snapshot of event %d: %d bytes, want 1 to %d", id, len(jpeg), MaxSnapshotBytes)
	}
	err := db.update(func(tx *bolt.Tx) error {
		e, err := getEvent(tx, id)
		if err != nil {
			return err
		}
		e.Snapshot = true
		if err := putEvent(tx, e); err != nil {
			return err
		}
		return tx.Bucket(bucketEvSnap).Put(idKey(id), jpeg)
	})
	if err != nil {
		return fmt.Errorf("index: snapshot of event %d: %w", id, err)
	}
	return nil
}

// EventSnapshot returns the snapshot JPEG of event id, or an error wrapping ErrNotFound when the event
// or its snapshot does not exist.
func (db *DB) EventSnapshot(id uint64) ([]byte, error) {
	var jpeg []byte
	err := db.view(func(tx *bolt.Tx) error {
		if v := tx.Bucket(bucketEvSnap).Get(idKey(id)); v != nil {
			jpeg = bytes.Clone(v)
			return nil
		}
		return ErrNotFound
	})
	if err != nil {
		return nil, fmt.Errorf("index: snapshot of event %d: %w", id, err)
	}
	return jpeg, nil
}

// GetEvent returns event id, or an error wrapping ErrNotFound.
func (db *DB) GetEvent(id uint64) (Event, error) {
	var e Event
	err := db.view(func(tx *bolt.Tx) error {
		var err error
		e, err = getEvent(tx, id)
		return err
	})
	if err != nil {
		return Event{}, fmt.Errorf("index: event %d: %w", id, err)
	}
	return e, nil
}

// OpenEvents returns the events that have not ended, by ID.
func (db *DB) OpenEvents() ([]Event, error) {
	var out []Event
	err := db.view(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketEvOpen).ForEach(func(k, _ []byte) error {
			e, err := getEvent(tx, keyID(k))
			if err != nil {
				return err
			}
			out = append(out, e)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("index: open events: %w", err)
	}
	return out, nil
}

func getEvent(tx *bolt.Tx, id uint64) (Event, error) {
	evs := tx.Bucket(bucketEvents)
	if evs == nil {
		return Event{}, errEventLayout
	}
	v := evs.Get(idKey(id))
	if v == nil {
		return Event{}, ErrNotFound
	}
	return UnmarshalEvent(id, v)
}

func putEvent(tx *bolt.Tx, e Event) error {
	rec, err := MarshalEvent(e)
	if err != nil {
		return err
	}
	return tx.Bucket(bucketEvents).Put(idKey(e.ID), rec)
}

// stored returns t as the index returns it: UTC, to the nanosecond, without a monotonic reading.
func stored(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return time.Unix(0, nanos(t)).UTC()
}

// eventCameras returns the cameras that have events, with their longest closed event.
func eventCameras(tx *bolt.Tx, only string) map[string]time.Duration {
	out := map[string]time.Duration{}
	get := func(k, v []byte) {
		if len(v) == 8 {
			out[string(k)] = time.Duration(binary.BigEndian.Uint64(v))
		}
	}
	cams := tx.Bucket(bucketEvCams)
	if only != "" {
		if v := cams.Get([]byte(only)); v != nil {
			get([]byte(only), v)
		}
		return out
	}
	_ = cams.ForEach(func(k, v []byte) error { get(k, v); return nil })
	return out
}

// sortNewest orders events by ID, highest first.
func sortNewest(evs []Event) {
	slices.SortFunc(evs, func(a, b Event) int {
		switch {
		case a.ID > b.ID:
			return -1
		case a.ID < b.ID:
			return 1
		}
		return 0
	})
}
