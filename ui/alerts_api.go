package ui

import (
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Limits of an alert: POST /api/v1/alerts refuses others with 400.
const (
	maxAlertText   = 2000 // characters
	maxClipLength  = 10 * time.Minute
	alertKeepalive = 15 * time.Second // comment lines keep proxies from closing an idle stream
)

// alertCategories are the categories an alert may have; "other" is the default.
var alertCategories = []string{"theft", "suspicious", "safety", "lost-pet", "other"}

// newAlertRequest is the body of POST /api/v1/alerts.
type newAlertRequest struct {
	Hood     string    `json:"hood"` // "" lets the node choose (its only hood)
	Text     string    `json:"text"`
	Category string    `json:"category"`
	Lat      *float64  `json:"lat"`
	Lon      *float64  `json:"lon"`
	Camera   string    `json:"camera"`
	Start    time.Time `json:"start"`
	End      time.Time `json:"end"`
}

func (s *Server) listAlerts(w http.ResponseWriter, r *http.Request) {
	n := s.neighborhood(w)
	if n == nil {
		return
	}
	var since time.Time
	if v := r.URL.Query().Get("since"); v != "" {
		t, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("since: not an RFC 3339 time: %q", v))
			return
		}
		since = t
	}
	as, err := n.Alerts(r.URL.Query().Get("hood"), since)
	if err != nil {
		s.writeErr(w, err)
		return
	}
	if as == nil {
		as = []Alert{}
	}
	slices.SortStableFunc(as, func(a, b Alert) int { return b.Time.Compare(a.Time) }) // newest first
	writeJSON(w, http.StatusOK, as)
}

func (s *Server) postAlert(w http.ResponseWriter, r *http.Request) {
	n := s.neighborhood(w)
	var req newAlertRequest
	if n == nil || !readJSON(w, r, &req) {
		return
	}
	d, err := s.checkAlert(req)
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

// checkAlert validates an alert to post and applies the default category; its errors name the key.
func (s *Server) checkAlert(req newAlertRequest) (AlertDraft, error) {
	d := AlertDraft{Hood: req.Hood, Text: strings.TrimSpace(req.Text), Category: req.Category, Lat: req.Lat,
		Lon: req.Lon, Camera: req.Camera, Start: req.Start, End: req.End}
	if n := utf8.RuneCountInString(d.Text); n == 0 || n > maxAlertText {
		return d, fmt.Errorf("text: want 1 to %d characters, got %d", maxAlertText, n)
	}
	if d.Category == "" {
		d.Category = "other"
	}
	if !slices.Contains(alertCategories, d.Category) {
		return d, fmt.Errorf("category: %q is not one of %s", d.Category, strings.Join(alertCategories, ", "))
	}
	if (d.Lat == nil) != (d.Lon == nil) {
		return d, fmt.Errorf("lat, lon: give both or neither")
	}
	if d.Lat != nil {
		if err := checkDegrees("lat", *d.Lat, 90); err != nil {
			return d, err
		}
		if err := checkDegrees("lon", *d.Lon, 180); err != nil {
			return d, err
		}
	}
	if d.Camera == "" && d.Start.IsZero() && d.End.IsZero() {
		return d, nil
	}
	if d.Camera == "" || d.Start.IsZero() || d.End.IsZero() {
		return d, fmt.Errorf("camera, start, end: give all three for a clip, or none")
	}
	if !slices.ContainsFunc(s.Cameras.Cameras(), func(c Camera) bool { return c.Name == d.Camera }) {
		return d, fmt.Errorf("camera: no camera named %q", d.Camera)
	}
	if !d.End.After(d.Start) {
		return d, fmt.Errorf("end: must be after start")
	}
	if l := d.End.Sub(d.Start); l > maxClipLength {
		return d, fmt.Errorf("end: the clip is %s long, at most %s", l, maxClipLength)
	}
	return d, nil
}

func checkDegrees(key string, v, limit float64) error {
	if math.IsNaN(v) || v < -limit || v > limit {
		return fmt.Errorf("%s: %s is not between -%g and %g", key, strconv.FormatFloat(v, 'g', -1, 64), limit, limit)
	}
	return nil
}

// streamAlerts sends each new alert as a Server-Sent Event ("event: alert", "data: <Alert JSON>") until
// the client goes away or the node stops publishing; a comment line every alertKeepalive keeps it open.
func (s *Server) streamAlerts(w http.ResponseWriter, r *http.Request) {
	n := s.neighborhood(w)
	if n == nil {
		return
	}
	// Subscribed before the headers go out, so a client that has them misses no alert posted later.
	alerts, cancel := n.SubscribeAlerts()
	defer cancel()
	serveSSE(s, w, r, alerts, "alert", s.alertKeepalive)
}

// alertClip streams an alert's clip, fetched from its author's node as it arrives.
func (s *Server) alertClip(w http.ResponseWriter, r *http.Request) {
	n := s.neighborhood(w)
	if n == nil {
		return
	}
	body, size, err := n.FetchClip(r.Context(), r.PathValue("id"))
	if err != nil {
		s.writeErr(w, err)
		return
	}
	defer body.Close()
	h := w.Header()
	h.Set("Content-Type", "video/mp4")
	h.Set("Cache-Control", "private, max-age=3600")
	h.Set("X-Content-Type-Options", "nosniff")
	if size >= 0 {
		h.Set("Content-Length", strconv.FormatInt(size, 10))
	}
	w.WriteHeader(http.StatusOK)
	if _, err := io.Copy(w, body); err != nil {
		lvl := slog.LevelWarn // the author's stream broke, or the clip did not match the alert's hash
		if r.Context().Err() != nil {
			lvl = slog.LevelDebug // the client went away
		}
		s.Logger.Log(r.Context(), lvl, "alert clip ended early", "alert", r.PathValue("id"), "err", err)
	}
}
