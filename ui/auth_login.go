package ui

import (
	"errors"
	"math"
	"net/http"
	"strconv"
	"time"
)

// loginRequest is the body of POST /api/v1/login.
type loginRequest struct {
	User     string `json:"user"`
	Password string `json:"password"`
}

// sessionInfo answers login and GET /api/v1/session.
type sessionInfo struct {
	User string   `json:"user"`
	Role UserRole `json:"role"`
	CSRF string   `json:"csrf,omitempty"` // send as X-CSRF-Token with POST, PUT, PATCH, DELETE
}

// msgBadLogin is the one answer to a wrong password and an unknown user alike.
const msgBadLogin = "wrong user name or password"

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	var req loginRequest
	if !readJSON(w, r, &req) {
		return
	}
	at, ok := s.beginAttempt(w, r, req.User)
	if !ok {
		return
	}
	u, ok, err := s.auth.verify(r.Context(), req.User, req.Password)
	if err != nil {
		s.auth.limiter.undo(at, false)
		s.writeErr(w, err)
		return
	}
	if !ok {
		s.Logger.Info("login failed", "client", clientAddr(r), "user", req.User)
		writeError(w, http.StatusUnauthorized, msgBadLogin) // the attempt stays counted as a failure
		return
	}
	s.auth.limiter.undo(at, true)
	if c, err := r.Cookie(sessionCookie); err == nil {
		s.auth.endSession(c.Value, nil) // a login replaces the browser's previous session
	}
	sess, err := s.auth.startSession(u)
	if errors.Is(err, errUserChanged) { // removed, or a new password, while the old one was checked
		writeError(w, http.StatusUnauthorized, msgBadLogin)
		return
	} else if err != nil {
		s.writeErr(w, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: sess.id, Path: s.cookiePath(), HttpOnly: true,
		Secure: s.secure(r), SameSite: http.SameSiteStrictMode, MaxAge: int(absoluteTimeout.Seconds())})
	writeJSON(w, http.StatusOK, sessionInfo{User: u.Name, Role: u.Role, CSRF: sess.csrf})
}

// logout ends the caller's session and every request running under it, streams included.
func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if p := principalFrom(r.Context()); p.session != nil {
		s.auth.endSession(p.session.id, p.scope)
		http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: s.cookiePath(), HttpOnly: true,
			Secure: s.secure(r), SameSite: http.SameSiteStrictMode, MaxAge: -1})
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) session(w http.ResponseWriter, r *http.Request) {
	p := principalFrom(r.Context())
	info := sessionInfo{User: p.user, Role: p.role}
	if p.session != nil {
		info.CSRF = p.session.csrf
	}
	writeJSON(w, http.StatusOK, info)
}

// beginAttempt admits a password attempt for user from r's address (see loginLimiter.begin), or answers
// 429 with Retry-After and returns false while that pair, or that address, must wait.
func (s *Server) beginAttempt(w http.ResponseWriter, r *http.Request, user string) (attempt, bool) {
	at, wait := s.auth.limiter.begin(clientIP(r), user)
	if wait <= 0 {
		return at, true
	}
	s.Logger.Info("login throttled", "client", clientAddr(r), "user", user, "wait", wait.Round(time.Second))
	w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
	writeError(w, http.StatusTooManyRequests, "too many failed logins; try again later")
	return attempt{}, false
}
