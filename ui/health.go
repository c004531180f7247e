package ui

import (
	"net/http"
)

// Readiness reports whether the node's parts behind the HTTP server are up, for GET /readyz: nil when
// they are, else an error for the log (the answer itself carries no details).
type Readiness interface {
	Ready() error
}

// healthz answers 200 "ok" whenever the server serves: a liveness probe, no auth, no details.
func (s *Server) healthz(w http.ResponseWriter, _ *http.Request) {
	writeWord(w, http.StatusOK, "ok")
}

// readyz answers 200 "ready" when the HTTP server serves and Ready (the recorder and its database)
// reports nil, else 503 "unavailable": a readiness probe, no auth, no details.
func (s *Server) readyz(w http.ResponseWriter, _ *http.Request) {
	if s.Ready != nil {
		if err := s.Ready.Ready(); err != nil {
			s.Logger.Debug("not ready", "err", err)
			writeWord(w, http.StatusServiceUnavailable, "unavailable")
			return
		}
	}
	writeWord(w, http.StatusOK, "ready")
}

func writeWord(w http.ResponseWriter, code int, word string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	_, _ = w.Write([]byte(word + "\n"))
}
