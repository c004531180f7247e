package ui

import (
	"net/http"
	"time"
)

// AlertReads is the node's read mark of neighborhood alerts: one mark for the household, moved forward
// when someone looks at the neighborhood feed; what lies after it (neighbors' alerts, not the node's
// own) is unread: the nav's badge and Home Assistant's sensor.
type AlertReads interface {
	// MarkRead moves the mark to until (never back, never past now) and returns it.
	MarkRead(until time.Time) (time.Time, error)
	// Unread counts the neighbors' alerts after the mark (of the last 30 days).
	Unread() (n int, readUntil time.Time, err error)
}

// unreadAlerts is the answer of GET /api/v1/alerts/unread and POST /api/v1/alerts/read.
type unreadAlerts struct {
	Unread    int        `json:"unread"`
	ReadUntil *time.Time `json:"read_until"` // null: nothing read yet
}

func (s *Server) alertReads(w http.ResponseWriter) AlertReads {
	if s.AlertReads == nil {
		writeError(w, http.StatusServiceUnavailable, "neighborhoods are not enabled on this node")
	}
	return s.AlertReads
}

func (s *Server) getUnreadAlerts(w http.ResponseWriter, _ *http.Request) {
	if ar := s.alertReads(w); ar != nil {
		s.writeUnread(w, ar)
	}
}

// markAlertsRead takes {"until": T} (omitted: now): the caller has seen the feed up to T.
func (s *Server) markAlertsRead(w http.ResponseWriter, r *http.Request) {
	ar := s.alertReads(w)
	var req struct {
		Until time.Time `json:"until"`
	}
	if ar == nil || !readJSON(w, r, &req) {
		return
	}
	if req.Until.IsZero() {
		req.Until = time.Now()
	}
	if _, err := ar.MarkRead(req.Until); err != nil {
		s.writeErr(w, err)
		return
	}
	s.writeUnread(w, ar)
}

func (s *Server) writeUnread(w http.ResponseWriter, ar AlertReads) {
	n, until, err := ar.Unread()
	if err != nil {
		s.writeErr(w, err)
		return
	}
	out := unreadAlerts{Unread: n}
	if !until.IsZero() {
		out.ReadUntil = &until
	}
	writeJSON(w, http.StatusOK, out)
}
