package ui

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// The agency-request routes: the public list and a home's inbox (?inbox=true), approve and decline, an
// agency's posting, closing and submissions, the request policy, the agency directory, log audits and
// the transparency report.

const (
	maxRequestText = 2000
	maxNote        = 1000
)

// requests returns the node's Requests, or answers 503 and returns nil when it has none.
func (s *Server) requests(w http.ResponseWriter) Requests {
	if s.Requests == nil {
		writeError(w, http.StatusServiceUnavailable, "agency requests are not enabled on this node")
	}
	return s.Requests
}

func (s *Server) listRequests(w http.ResponseWriter, r *http.Request) {
	q := s.requests(w)
	if q == nil {
		return
	}
	inbox, _ := strconv.ParseBool(r.URL.Query().Get("inbox"))
	rs, err := q.Requests(inbox)
	if err != nil {
		s.writeErr(w, err)
		return
	}
	writeJSON(w, http.StatusOK, rs)
}

func (s *Server) getRequest(w http.ResponseWriter, r *http.Request) {
	if q := s.requests(w); q != nil {
		s.answer(w, http.StatusOK)(q.Request(r.PathValue("id")))
	}
}

func (s *Server) postRequest(w http.ResponseWriter, r *http.Request) {
	q := s.requests(w)
	var d RequestDraft
	if q == nil || !readJSON(w, r, &d) {
		return
	}
	d.Case, d.Reason = strings.TrimSpace(d.Case), strings.TrimSpace(d.Reason)
	switch {
	case d.Case == "" || len(d.Case) > 64:
		writeError(w, http.StatusBadRequest, "case: want 1 to 64 characters")
		return
	case d.Reason == "" || len(d.Reason) > maxRequestText:
		writeError(w, http.StatusBadRequest, fmt.Sprintf("reason: want 1 to %d characters", maxRequestText))
		return
	case d.Start.IsZero() || d.End.IsZero():
		writeError(w, http.StatusBadRequest, "start and end: RFC 3339 times of the footage window")
		return
	}
	if d.Life != "" {
		if _, err := time.ParseDuration(d.Life); err != nil {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("expires_in: %q is not a duration such as 168h", d.Life))
			return
		}
	}
	s.answer(w, http.StatusCreated)(q.PostRequest(r.Context(), d))
}

func (s *Server) closeRequest(w http.ResponseWriter, r *http.Request) {
	if q := s.requests(w); q != nil {
		s.answer(w, http.StatusOK)(q.CloseRequest(r.PathValue("id")))
	}
}

func (s *Server) approveRequest(w http.ResponseWriter, r *http.Request) {
	q := s.requests(w)
	var a ApprovalDraft
	if q == nil || !readJSON(w, r, &a) {
		return
	}
	if a.Camera == "" || len(a.Note) > maxNote {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("camera: required; note: at most %d characters", maxNote))
		return
	}
	s.answer(w, http.StatusCreated)(q.Approve(r.Context(), r.PathValue("id"), a))
}

func (s *Server) declineRequest(w http.ResponseWriter, r *http.Request) {
	q := s.requests(w)
	if q == nil {
		return
	}
	if err := q.Decline(r.PathValue("id")); err != nil {
		s.writeErr(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// listDeliveries lists this home's deliveries; anyone below admin sees each last_error redacted, as
// cameras' (a failed delivery names the agency's addresses).
func (s *Server) listDeliveries(w http.ResponseWriter, r *http.Request) {
	q := s.requests(w)
	if q == nil {
		return
	}
	ds, err := q.Deliveries()
	if err != nil {
		s.writeErr(w, err)
		return
	}
	writeJSON(w, http.StatusOK, s.deliveriesFor(r, ds))
}

func (s *Server) listSubmissions(w http.ResponseWriter, r *http.Request) {
	if q := s.requests(w); q != nil {
		s.answer(w, http.StatusOK)(q.Submissions())
	}
}

func (s *Server) submissionCustody(w http.ResponseWriter, r *http.Request) {
	if q := s.requests(w); q != nil {
		s.answer(w, http.StatusOK)(q.Custody(r.PathValue("id")))
	}
}

// submissionClip decrypts a received clip to the response. It is checked against its manifest while it
// streams; a mismatch aborts the response (the client sees a broken download, not a wrong clip).
func (s *Server) submissionClip(w http.ResponseWriter, r *http.Request) {
	q := s.requests(w)
	if q == nil {
		return
	}
	id := r.PathValue("id")
	tw := &startedWriter{w: w, header: func() {
		w.Header().Set("Content-Type", "video/mp4")
		w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", "submission-"+id+".mp4"))
	}}
	if _, err := q.OpenSubmission(id, tw); err != nil {
		if !tw.started {
			s.writeErr(w, err)
			return
		}
		s.Logger.Warn("submission clip", "id", id, "err", err)
		panic(http.ErrAbortHandler)
	}
}

// startedWriter sets the headers on the first write, so an error before any byte can still be answered
// with a status.
type startedWriter struct {
	w       http.ResponseWriter
	header  func()
	started bool
}

func (t *startedWriter) Write(p []byte) (int, error) {
	if !t.started {
		t.started = true
		t.header()
	}
	return t.w.Write(p)
}

func (s *Server) getPolicy(w http.ResponseWriter, r *http.Request) {
	if q := s.requests(w); q != nil {
		writeJSON(w, http.StatusOK, q.Policy())
	}
}

func (s *Server) putPolicy(w http.ResponseWriter, r *http.Request) {
	q := s.requests(w)
	var p RequestPolicy
	if q == nil || !readJSON(w, r, &p) {
		return
	}
	if err := q.SetPolicy(p); err != nil {
		s.writeErr(w, err)
		return
	}
	writeJSON(w, http.StatusOK, q.Policy())
}

func (s *Server) listAgencies(w http.ResponseWriter, r *http.Request) {
	if q := s.requests(w); q != nil {
		writeJSON(w, http.StatusOK, q.Directory())
	}
}

func (s *Server) verifyLogs(w http.ResponseWriter, r *http.Request) {
	if q := s.requests(w); q != nil {
		s.answer(w, http.StatusOK)(q.VerifyLogs(r.Context()))
	}
}

func (s *Server) transparency(w http.ResponseWriter, r *http.Request) {
	if q := s.requests(w); q != nil {
		s.answer(w, http.StatusOK)(q.Transparency(r.Context()))
	}
}

// answer writes v as JSON with code, or the error (writeErr).
func (s *Server) answer(w http.ResponseWriter, code int) func(v any, err error) {
	return func(v any, err error) {
		if err != nil {
			s.writeErr(w, err)
			return
		}
		writeJSON(w, code, v)
	}
}
