package ui

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// Events is what the API needs of the node's events (the recorder's).
type Events interface {
	// Events returns the events matching q, newest (highest ID) first, at most q.Limit.
	Events(q EventQuery) ([]Event, error)
	// EventSnapshot returns an event's JPEG, or an error matching ErrNotFound when there is none.
	EventSnapshot(id uint64) ([]byte, error)
	// SubscribeEvents returns every event as it opens, changes and closes, until cancel.
	SubscribeEvents(buffer int) (events <-chan Event, cancel func())
}

// Event is one event as the API lists it.
type Event struct {
	ID       uint64     `json:"id"`
	Camera   string     `json:"camera"`
	Kind     string     `json:"kind"`
	Start    time.Time  `json:"start"`
	End      *time.Time `json:"end"`      // null while open
	Score    float64    `json:"score"`    // 0..1
	Snapshot *string    `json:"snapshot"` // the snapshot's URL, or null
}

// EventQuery selects events; zero fields do not filter.
type EventQuery struct {
	Camera, Kind string
	Start, End   time.Time
	Before       uint64 // only IDs below this: the page cursor
	Limit        int
}

// Limits of a page of events.
const (
	defaultEventPage = 100
	maxEventPage     = 1000
	eventStreamBuf   = 64
)

// EventSnapshotURL is where the API serves the snapshot of event id.
func EventSnapshotURL(id uint64) string { return fmt.Sprintf("/api/v1/events/%d/snapshot.jpg", id) }

// listEvents answers GET /api/v1/events: an array, newest first. A full page carries a Link header
// (rel="next") to the next one, which repeats the query with before=<the last ID>.
func (s *Server) listEvents(w http.ResponseWriter, r *http.Request) {
	ev := s.events(w)
	if ev == nil {
		return
	}
	q, err := eventQuery(r.URL.Query())
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	list, err := ev.Events(q)
	if err != nil {
		s.writeErr(w, err)
		return
	}
	if list == nil {
		list = []Event{}
	}
	if len(list) == q.Limit {
		next := r.URL.Query()
		next.Set("before", strconv.FormatUint(list[len(list)-1].ID, 10))
		w.Header().Set("Link", fmt.Sprintf(`<%s?%s>; rel="next"`, s.path(r.URL.Path), next.Encode()))
	}
	writeJSON(w, http.StatusOK, list)
}

// eventQuery reads the query parameters of the events list; errors name the parameter.
func eventQuery(v url.Values) (EventQuery, error) {
	q := EventQuery{Camera: v.Get("camera"), Kind: v.Get("kind"), Limit: defaultEventPage}
	for _, p := range []struct {
		key string
		dst *time.Time
	}{{"start", &q.Start}, {"end", &q.End}} {
		if s := v.Get(p.key); s != "" {
			t, err := time.Parse(time.RFC3339Nano, s)
			if err != nil {
				return q, fmt.Errorf("%s: not an RFC 3339 time: %q", p.key, s)
			}
			*p.dst = t
		}
	}
	if !q.Start.IsZero() && !q.End.IsZero() && !q.End.After(q.Start) {
		return q, errors.New("end: must be after start")
	}
	if s := v.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxEventPage {
			return q, fmt.Errorf("limit: want 1 to %d, got %q", maxEventPage, s)
		}
		q.Limit = n
	}
	if s := v.Get("before"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil || n == 0 {
			return q, fmt.Errorf("before: want an event id, got %q", s)
		}
		q.Before = n
	}
	return q, nil
}

// streamEvents sends every event as it opens, changes and closes as a Server-Sent Event ("event: event",
// "data: <Event JSON>"; end null while open) until the client or its credential goes.
func (s *Server) streamEvents(w http.ResponseWriter, r *http.Request) {
	ev := s.events(w)
	if ev == nil {
		return
	}
	events, cancel := ev.SubscribeEvents(eventStreamBuf)
	defer cancel()
	serveSSE(s, w, r, events, "event", s.alertKeepalive)
}

// eventSnapshot serves an event's snapshot JPEG; 404 when the event or its snapshot does not exist.
func (s *Server) eventSnapshot(w http.ResponseWriter, r *http.Request) {
	ev := s.events(w)
	if ev == nil {
		return
	}
	id, err := strconv.ParseUint(r.PathValue("id"), 10, 64)
	if err != nil || id == 0 {
		writeError(w, http.StatusNotFound, "no such event")
		return
	}
	b, err := ev.EventSnapshot(id)
	if err != nil {
		s.writeErr(w, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "image/jpeg")
	h.Set("Cache-Control", "private, max-age=3600")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}

// events returns the node's events, or answers 503 when it has none wired.
func (s *Server) events(w http.ResponseWriter) Events {
	if s.Events == nil {
		writeError(w, http.StatusServiceUnavailable, "events are not available on this node")
		return nil
	}
	return s.Events
}
