package ui

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// From an event to a neighborhood alert in two steps. GET /api/v1/events/{id}/alert drafts the alert
// (text, category, the camera's place, the clip [start - pre_roll, end + post_roll]) and sends nothing;
// POST /api/v1/events/{id}/alert posts what the owner confirmed (text and trim) through the same
// Neighborhood.PostAlert as a hand-made alert with a clip, so the clip leaves this node only through the
// federation's one egress path, when a member fetches it. With ?reply_to=<alert ID> the draft answers a
// neighbor's alert: same hood, its text quoted (the federation has no reply record: the answer is a new
// alert of that hood).

// EventAlerts is what the API needs to draft an alert from one of the node's events.
type EventAlerts interface {
	// EventClip returns an event with its clip window and its camera's place; an error matching
	// ErrNotFound when there is no such event.
	EventClip(id uint64) (EventClip, error)
}

// EventClip is an event, the footage that belongs to it ([start - pre_roll, end + post_roll], an open
// event up to now) and where its camera is (nil: the camera has no location).
type EventClip struct {
	Event      Event
	Start, End time.Time
	Location   *Location
}

// EventAlertDraft is the alert an event makes, for the owner to confirm (GET /api/v1/events/{id}/alert).
type EventAlertDraft struct {
	Event    Event     `json:"event"`
	Hood     string    `json:"hood,omitempty"`     // the hood of reply_to; absent: the owner's choice
	ReplyTo  string    `json:"reply_to,omitempty"` // the neighbor's alert this answers
	Text     string    `json:"text"`
	Category string    `json:"category"`
	Lat      *float64  `json:"lat,omitempty"` // the camera's place (the federation coarsens it)
	Lon      *float64  `json:"lon,omitempty"`
	Camera   string    `json:"camera"`
	Start    time.Time `json:"start"` // the clip the draft attaches
	End      time.Time `json:"end"`
	MaxClip  string    `json:"max_clip"` // the longest clip an alert may carry
}

// eventAlertRequest is the body of POST /api/v1/events/{id}/alert: the draft as the owner confirmed it.
// Start and End trim the clip (absent both: no clip); the camera is always the event's.
type eventAlertRequest struct {
	Hood     string     `json:"hood"`
	Text     string     `json:"text"`
	Category string     `json:"category"`
	Lat      *float64   `json:"lat"`
	Lon      *float64   `json:"lon"`
	Start    *time.Time `json:"start"`
	End      *time.Time `json:"end"`
}

// draftEventAlert answers GET /api/v1/events/{id}/alert. It sends nothing anywhere.
func (s *Server) draftEventAlert(w http.ResponseWriter, r *http.Request) {
	ec, ok := s.eventClip(w, r)
	if !ok {
		return
	}
	d := EventAlertDraft{Event: ec.Event, Category: "other", Camera: ec.Event.Camera, Start: ec.Start, End: ec.End,
		MaxClip: maxClipLength.String(), Text: eventText(ec.Event, s.Now().Location())}
	if l := ec.Location; l != nil {
		lat, lon := l.Lat, l.Lon
		d.Lat, d.Lon = &lat, &lon
	}
	if d.End.Sub(d.Start) > maxClipLength { // a long event: its first maxClipLength, for the owner to trim
		d.End = d.Start.Add(maxClipLength)
	}
	if id := r.URL.Query().Get("reply_to"); id != "" {
		n := s.neighborhood(w)
		if n == nil {
			return
		}
		a, err := findAlert(n, id)
		if err != nil {
			s.writeErr(w, err)
			return
		}
		d.ReplyTo, d.Hood, d.Category = a.ID, a.Hood, a.Category
		d.Text = fmt.Sprintf("Re: %s's alert “%s”: %s", a.AuthorName, clipText(a.Text, 80), d.Text)
	}
	writeJSON(w, http.StatusOK, d)
}

// postEventAlert answers POST /api/v1/events/{id}/alert: the owner's confirmation posts the alert.
func (s *Server) postEventAlert(w http.ResponseWriter, r *http.Request) {
	ec, ok := s.eventClip(w, r)
	if !ok {
		return
	}
	n := s.neighborhood(w)
	var req eventAlertRequest
	if n == nil || !readJSON(w, r, &req) {
		return
	}
	ar := newAlertRequest{Hood: req.Hood, Text: req.Text, Category: req.Category, Lat: req.Lat, Lon: req.Lon}
	if (req.Start == nil) != (req.End == nil) {
		writeError(w, http.StatusBadRequest, "start, end: give both to attach the clip, or neither")
		return
	}
	if req.Start != nil {
		// The trim may cut the event's footage anywhere but must keep some of the event itself.
		evEnd := s.Now()
		if e := ec.Event.End; e != nil {
			evEnd = *e
		}
		if !req.Start.Before(evEnd) {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("start: the clip must begin before the event ends (%s)", evEnd.UTC().Format(time.RFC3339)))
			return
		}
		if !req.End.After(ec.Event.Start) {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("end: the clip must end after the event starts (%s)", ec.Event.Start.UTC().Format(time.RFC3339)))
			return
		}
		ar.Camera, ar.Start, ar.End = ec.Event.Camera, *req.Start, *req.End
	}
	d, err := s.checkAlert(ar)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	a, err := n.PostAlert(r.Context(), d)
	if err != nil {
		s.writeErr(w, err)
		return
	}
	writeJSON(w, http.StatusCreated, a)
}

// eventClip reads the path's event ID and returns the event's clip, or answers the error.
func (s *Server) eventClip(w http.ResponseWriter, r *http.Request) (EventClip, bool) {
	if s.EventAlerts == nil {
		writeError(w, http.StatusServiceUnavailable, "events are not available on this node")
		return EventClip{}, false
	}
	id, err := strconv.ParseUint(r.PathValue("id"), 10, 64)
	if err != nil || id == 0 {
		writeError(w, http.StatusNotFound, "no such event")
		return EventClip{}, false
	}
	ec, err := s.EventAlerts.EventClip(id)
	if err != nil {
		s.writeErr(w, err)
		return EventClip{}, false
	}
	return ec, true
}

// findAlert finds an alert of any hood by ID.
func findAlert(n Neighborhood, id string) (Alert, error) {
	as, err := n.Alerts("", time.Time{})
	if err != nil {
		return Alert{}, err
	}
	for _, a := range as {
		if a.ID == id {
			return a, nil
		}
	}
	return Alert{}, Errorf(ErrNotFound, "reply_to: no alert %q", id)
}

// eventText is the draft's text: what the camera saw and when, in the node's time zone.
func eventText(e Event, loc *time.Location) string {
	t := e.Start.In(loc)
	return fmt.Sprintf("%s seen by my %s camera at %s on %s.", capital(e.Kind), e.Camera, t.Format("15:04"),
		t.Format("Mon 2 Jan"))
}

func capital(s string) string {
	if s == "" {
		return "Something"
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// clipText shortens s to at most n characters, with an ellipsis when it cut.
func clipText(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}
