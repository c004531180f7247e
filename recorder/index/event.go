package index

import (
	"encoding/binary"
	"fmt"
	"math"
	"time"
)

// Event is something a camera saw, from its start to its end: motion now, other kinds later. The index
// stores it and its optional snapshot; the recorder decides when events open and close.
type Event struct {
	ID       uint64    // assigned by OpenEvent, increasing in the order events open
	Camera   string    // the camera's name
	Kind     string    // "motion", "camera" (ONVIF), ...: the set is open
	Start    time.Time // when it began
	End      time.Time // when it ended; zero while open
	Score    float64   // 0..1, the strongest signal over the event
	Snapshot bool      // a snapshot JPEG is stored for it
}

// Open reports whether the event has not ended.
func (e Event) Open() bool { return e.End.IsZero() }

// EventQuery selects events for Events. Zero fields do not filter.
type EventQuery struct {
	Camera string    // only this camera's events
	Kind   string    // only events of this kind
	Start  time.Time // only events overlapping [Start, End); a zero Start is the beginning of time
	End    time.Time // a zero End is the end of time
	Before uint64    // page cursor: only events with ID < Before
	Limit  int       // at most this many (the newest); 0 = DefaultEventLimit, capped at MaxEventLimit
}

// Limits of one page of Events.
const (
	DefaultEventLimit = 100
	MaxEventLimit     = 1000
)

// eventVersion is the first byte of an event record.
const eventVersion = 1

// Limits of an event record's strings, so a record stays small.
const maxEventString = 255

// flags of an event record.
const eventHasSnapshot = 1

// MarshalEvent encodes e (its score clamped to 0..1) (without its ID, which is the record's key): version (1 byte), flags (1 byte:
// bit 0 snapshot), start and end (unix ns, 8 bytes big-endian each; end 0 while open), score (IEEE 754,
// 8 bytes), then camera and kind (1-byte length + bytes each).
func MarshalEvent(e Event) ([]byte, error) {
	if len(e.Camera) > maxEventString || len(e.Kind) > maxEventString {
		return nil, fmt.Errorf("%w: event camera or kind longer than %d bytes", ErrBadRecord, maxEventString)
	}
	score := e.Score
	if math.IsNaN(score) || score < 0 {
		score = 0
	}
	score = min(score, 1)
	var flags byte
	if e.Snapshot {
		flags |= eventHasSnapshot
	}
	b := make([]byte, 0, 28+len(e.Camera)+len(e.Kind))
	b = append(b, eventVersion, flags)
	b = binary.BigEndian.AppendUint64(b, uint64(nanos(e.Start)))
	var end int64
	if !e.End.IsZero() {
		end = nanos(e.End)
	}
	b = binary.BigEndian.AppendUint64(b, uint64(end))
	b = binary.BigEndian.AppendUint64(b, math.Float64bits(score))
	b = append(b, byte(len(e.Camera)))
	b = append(b, e.Camera...)
	b = append(b, byte(len(e.Kind)))
	return append(b, e.Kind...), nil
}

// UnmarshalEvent decodes a record written by MarshalEvent; id is the record's key. Errors wrap ErrBadRecord;
// it never panics.
func UnmarshalEvent(id uint64, b []byte) (Event, error) {
	bad := func(what string) (Event, error) {
		return Event{}, fmt.Errorf("%w: event %d: %s", ErrBadRecord, id, what)
	}
	if len(b) < 26 {
		return bad("truncated")
	}
	if b[0] != eventVersion {
		return bad(fmt.Sprintf("unknown version %d", b[0]))
	}
	if b[1]&^eventHasSnapshot != 0 {
		return bad("unknown flags")
	}
	e := Event{ID: id, Snapshot: b[1]&eventHasSnapshot != 0}
	e.Start = time.Unix(0, int64(binary.BigEndian.Uint64(b[2:]))).UTC()
	if end := int64(binary.BigEndian.Uint64(b[10:])); end != 0 {
		e.End = time.Unix(0, end).UTC()
	}
	e.Score = math.Float64frombits(binary.BigEndian.Uint64(b[18:]))
	if math.IsNaN(e.Score) || e.Score < 0 || e.Score > 1 {
		return bad("score outside 0..1")
	}
	rest := b[26:]
	var ok bool
	if e.Camera, rest, ok = shortString(rest); !ok {
		return bad("truncated camera")
	}
	if e.Kind, rest, ok = shortString(rest); !ok {
		return bad("truncated kind")
	}
	if len(rest) != 0 {
		return bad(fmt.Sprintf("%d trailing bytes", len(rest)))
	}
	return e, nil
}

func shortString(b []byte) (string, []byte, bool) {
	if len(b) < 1 || len(b) < 1+int(b[0]) {
		return "", nil, false
	}
	n := int(b[0])
	return string(b[1 : 1+n]), b[1+n:], true
}
