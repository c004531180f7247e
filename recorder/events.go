package recorder

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/porchlight/porchlight/recorder/index"
)

// Event is something a camera saw: motion now, "camera" events (ONVIF) and other detectors later. End is
// zero while it lasts.
type Event = index.Event

// EventQuery selects events: by camera, kind, the range [Start, End) they overlap (zero: open), and a page
// (the Limit newest with IDs below Before).
type EventQuery = index.EventQuery

// Errors of the event methods.
var (
	ErrNoEvent    = errors.New("no such event")
	ErrNoSnapshot = errors.New("the event has no snapshot")
)

// Events lists the events that match q, newest first (IDs grow as events open); pass the last ID as the
// next query's Before to read on.
func (r *Recorder) Events(q EventQuery) ([]Event, error) {
	evs, err := r.db.Events(q)
	if err != nil {
		return nil, fmt.Errorf("recorder: %w", err)
	}
	return evs, nil
}

// Event returns one event, or an error wrapping ErrNoEvent.
func (r *Recorder) Event(id uint64) (Event, error) {
	e, err := r.db.GetEvent(id)
	if errors.Is(err, index.ErrNotFound) {
		return Event{}, fmt.Errorf("recorder: event %d: %w", id, ErrNoEvent)
	}
	return e, err
}

// EventSnapshot returns the snapshot JPEG of an event, or an error wrapping ErrNoEvent or ErrNoSnapshot.
func (r *Recorder) EventSnapshot(id uint64) ([]byte, error) {
	if _, err := r.Event(id); err != nil {
		return nil, err
	}
	b, err := r.db.EventSnapshot(id)
	if errors.Is(err, index.ErrNotFound) {
		return nil, fmt.Errorf("recorder: event %d: %w", id, ErrNoSnapshot)
	}
	return b, err
}

// SubscribeEvents returns a channel of every event as it opens, changes (a snapshot attached) and closes,
// and a function that ends the subscription and closes the channel. A subscriber that falls more than
// buffer events behind misses events rather than slowing detection. The channel is also closed when Run
// returns.
func (r *Recorder) SubscribeEvents(buffer int) (<-chan Event, func()) {
	return r.events.subscribe(buffer)
}

// attachSnapshot stores jpeg as the snapshot of event id and tells subscribers. The keyframe stage (or a
// camera's snapshot URL) calls it.
func (r *Recorder) attachSnapshot(id uint64, jpeg []byte) error { return r.events.attach(id, jpeg) }

// eventKeep is retention's eventKeeper on the event store: a camera's events widened by its pre- and
// post-roll, what retention keeps for Limits.EventsMaxAge. An open event reaches to the end of the query.
type eventKeep struct{ r *Recorder }

func (k eventKeep) keptSpans(camera string, from, to time.Time) ([]span, error) {
	var pre, post time.Duration
	cams, _ := k.r.snapshot()
	for _, c := range cams {
		if c.Name == camera {
			pre, post = max(c.Motion.PreRoll, 0), max(c.Motion.PostRoll, 0)
		}
	}
	found, err := k.r.db.EventSpans(camera, from, to, pre, post)
	if err != nil {
		return nil, err
	}
	spans := make([]span, len(found))
	for i, s := range found {
		spans[i] = span{start: s.Start, end: s.End}
	}
	return spans, nil
}

// eventHub opens and closes events in the index, counts them and tells subscribers.
type eventHub struct {
	db     *index.DB
	mu     sync.Mutex
	subs   map[chan Event]struct{}
	closed bool
	counts map[[2]string]uint64 // events opened by camera and kind
}

func newEventHub(db *index.DB) *eventHub {
	return &eventHub{db: db, subs: map[chan Event]struct{}{}, counts: map[[2]string]uint64{}}
}

// open stores a new open event and publishes it.
func (h *eventHub) open(camera, kind string, start time.Time, score float64) (Event, error) {
	e, err := h.db.OpenEvent(Event{Camera: camera, Kind: kind, Start: start, Score: score})
	if err != nil {
		return Event{}, err
	}
	h.mu.Lock()
	h.counts[[2]string{camera, kind}]++
	h.mu.Unlock()
	h.publish(e)
	return e, nil
}

// close ends event id and publishes it.
func (h *eventHub) close(id uint64, end time.Time, score float64) (Event, error) {
	e, err := h.db.CloseEvent(id, end, score)
	if err != nil {
		return Event{}, err
	}
	h.publish(e)
	return e, nil
}

// attach stores jpeg as the snapshot of event id and publishes the event.
func (h *eventHub) attach(id uint64, jpeg []byte) error {
	if err := h.db.SetEventSnapshot(id, jpeg); err != nil {
		if errors.Is(err, index.ErrNotFound) {
			return fmt.Errorf("recorder: event %d: %w", id, ErrNoEvent)
		}
		return fmt.Errorf("recorder: %w", err)
	}
	if e, err := h.db.GetEvent(id); err == nil {
		h.publish(e)
	}
	return nil
}

func (h *eventHub) subscribe(buffer int) (<-chan Event, func()) {
	ch := make(chan Event, max(buffer, 1))
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		close(ch)
		return ch, func() {}
	}
	h.subs[ch] = struct{}{}
	return ch, func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		if _, ok := h.subs[ch]; ok {
			delete(h.subs, ch)
			close(ch)
		}
	}
}

func (h *eventHub) publish(e Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for ch := range h.subs {
		select {
		case ch <- e:
		default: // a slow subscriber misses it
		}
	}
}

// shutdown closes every subscription; later subscriptions get a closed channel.
func (h *eventHub) shutdown() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closed = true
	for ch := range h.subs {
		delete(h.subs, ch)
		close(ch)
	}
}

// countsSnapshot returns the events opened by camera and kind.
func (h *eventHub) countsSnapshot() map[[2]string]uint64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make(map[[2]string]uint64, len(h.counts))
	for k, v := range h.counts {
		out[k] = v
	}
	return out
}
