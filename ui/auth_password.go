package ui

import "net/http"

// passwordRequest is the body of POST /api/v1/password.
type passwordRequest struct {
	Old string `json:"old"`
	New string `json:"new"`
}

// changePassword sets the caller's password. The old password is checked under the login rate limit,
// and every other session of the user ends with its requests; the caller's session and its streams go
// on, since it has just proved the old password.
func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) {
	p := principalFrom(r.Context())
	if p.session == nil {
		writeError(w, http.StatusBadRequest, "a password change needs a user session; API tokens have no password")
		return
	}
	var req passwordRequest
	if !readJSON(w, r, &req) {
		return
	}
	if err := checkNewPassword(req.New); err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	at, ok := s.beginAttempt(w, r, p.user)
	if !ok {
		return
	}
	_, ok, err := s.auth.verify(r.Context(), p.user, req.Old)
	if err != nil {
		s.auth.limiter.undo(at, false)
		s.writeErr(w, err)
		return
	}
	if !ok {
		writeError(w, http.StatusForbidden, "wrong old password") // the attempt stays counted
		return
	}
	s.auth.limiter.undo(at, true)
	s.auth.usersMu.Lock()
	err = setPassword(s.auth.dataDir, p.user, req.New)
	s.auth.usersMu.Unlock()
	if err != nil { // ErrNoSuchUser (404) if removed since login
		s.writeErr(w, err)
		return
	}
	s.auth.endUser(p.user, p.session.id, p.scope)
	w.WriteHeader(http.StatusNoContent)
}
