package index

import (
	"bytes"
	"fmt"
	"math"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Events returns the events that match q, newest (highest ID) first, at most q.Limit of them. Pass the
// last ID returned as the next query's Before to read the next page.
//
// Each camera's events are a range scan of its time index, read backwards from q.End: a closed event that
// starts more than the camera's longest event before q.Start cannot overlap the range, and once Limit
// events are found the scan stops where no older event can have a higher ID (an event that ended before
// another started opened before it). Open events are kept apart and always considered.
func (db *DB) Events(q EventQuery) ([]Event, error) {
	limit := q.Limit
	if limit <= 0 {
		limit = DefaultEventLimit
	}
	limit = min(limit, MaxEventLimit)
	before := q.Before
	if before == 0 {
		before = math.MaxUint64
	}
	match := func(e Event) bool {
		return e.ID < before && (q.Kind == "" || e.Kind == q.Kind) && (q.Camera == "" || e.Camera == q.Camera) &&
			(q.End.IsZero() || e.Start.Before(q.End)) &&
			(q.Start.IsZero() || e.Open() || e.End.After(q.Start) || (e.End.Equal(e.Start) && !e.Start.Before(q.Start)))
	}
	var out []Event
	err := db.view(func(tx *bolt.Tx) error {
		seen := map[uint64]bool{}
		err := tx.Bucket(bucketEvOpen).ForEach(func(k, _ []byte) error {
			e, err := getEvent(tx, keyID(k))
			if err != nil {
				return err
			}
			seen[e.ID] = true
			if match(e) {
				out = append(out, e)
			}
			return nil
		})
		if err != nil {
			return err
		}
		for cam, longest := range eventCameras(tx, q.Camera) {
			if err := scanCamera(tx, cam, longest, q, limit, seen, match, &out); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("index: events: %w", err)
	}
	sortNewest(out)
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// scanCamera appends the closed events of cam that match, reading its time index backwards from q.End.
func scanCamera(tx *bolt.Tx, cam string, longest time.Duration, q EventQuery, limit int, skip map[uint64]bool,
	match func(Event) bool, out *[]Event) error {
	prefix := append([]byte(cam), 0)
	var lo int64 = math.MinInt64
	if !q.Start.IsZero() {
		lo = nanos(q.Start.Add(-longest))
	}
	var seek []byte
	if q.End.IsZero() {
		seek = append(bytes.Clone(prefix), 0xff) // past every key of cam
	} else {
		seek = evTimeKey(cam, nanos(q.End), 0)
	}
	evs := tx.Bucket(bucketEvents)
	c := tx.Bucket(bucketEvTime).Cursor()
	k, _ := c.Seek(seek)
	if k == nil {
		k, _ = c.Last()
	} else {
		k, _ = c.Prev()
	}
	found := 0
	var stopBefore int64 = math.MinInt64 // once found >= limit: older starts cannot have a higher ID
	for ; k != nil && bytes.HasPrefix(k, prefix) && len(k) == len(prefix)+16; k, _ = c.Prev() {
		tk := k[len(prefix):]
		start, id := timeKeyNanos(tk), timeKeyID(tk)
		if start < lo || start < stopBefore {
			break
		}
		if skip[id] || (q.Before != 0 && id >= q.Before) {
			continue // open (seen already), or on an earlier page: not decoded
		}
		v := evs.Get(idKey(id))
		if v == nil {
			continue
		}
		e, err := UnmarshalEvent(id, v)
		if err != nil {
			return err
		}
		if !match(e) {
			continue
		}
		*out = append(*out, e)
		if found++; found == limit {
			stopBefore = start - int64(longest)
		}
	}
	return nil
}

// EventSpans returns the time ranges of camera's events that overlap [start, end) (a zero time leaves that
// side open), widened by pre before and post after each event and merged where they touch. An open event
// reaches to end (or, with a zero end, to the far future).
func (db *DB) EventSpans(camera string, start, end time.Time, pre, post time.Duration) ([]Span, error) {
	var spans []Span
	var before uint64
	q := EventQuery{Camera: camera, Limit: MaxEventLimit}
	if !start.IsZero() {
		q.Start = start.Add(-post)
	}
	if !end.IsZero() {
		q.End = end.Add(pre)
	}
	for {
		q.Before = before
		page, err := db.Events(q)
		if err != nil {
			return nil, err
		}
		for _, e := range page {
			s := Span{Start: e.Start.Add(-pre), End: endOr(end)}
			if !e.Open() {
				s.End = e.End.Add(post)
			}
			spans = append(spans, s)
		}
		if len(page) < MaxEventLimit {
			break
		}
		before = page[len(page)-1].ID
	}
	return mergeSpans(spans), nil
}

func endOr(t time.Time) time.Time {
	if t.IsZero() {
		return maxTime.UTC()
	}
	return t
}

// mergeSpans sorts spans by start and merges those that overlap or touch.
func mergeSpans(spans []Span) []Span {
	if len(spans) == 0 {
		return nil
	}
	slices.SortFunc(spans, func(a, b Span) int { return a.Start.Compare(b.Start) })
	out := spans[:1]
	for _, s := range spans[1:] {
		last := &out[len(out)-1]
		if !s.Start.After(last.End) {
			if s.End.After(last.End) {
				last.End = s.End
			}
			continue
		}
		out = append(out, s)
	}
	return out
}
