package ui

import (
	"math"
	"net"
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
	userKey := "user:" + req.User
	keys := []string{"ip:" + clientIP(r), userKey}
	at, ok := s.beginAttempt(w, keys...)
	if !ok {
		return
	}
	u, ok, err := s.auth.verify(r.Context(), req.User, req.Password)
	if err != nil {
		s.auth.limiter.undo(at, keys...)
		s.writeErr(w, err)
		return
	}
	if !ok {
		writeError(w, http.StatusUnauthorized, msgBadLogin) // the attempt stays counted as a failure
		return
	}
	s.auth.limiter.undo(at, keys...)
	s.auth.limiter.reset(userKey)
	if c, err := r.Cookie(sessionCookie); err == nil {
		s.auth.sessions.delete(c.Value) // a login replaces the browser's previous session
	}
	sess := s.auth.sessions.create(u.Name, u.Role)
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: sess.id, Path: "/", HttpOnly: true,
		Secure: s.TLS, SameSite: http.SameSiteStrictMode, MaxAge: int(absoluteTimeout.Seconds())})
	writeJSON(w, http.StatusOK, sessionInfo{User: u.Name, Role: u.Role, CSRF: sess.csrf})
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if p := principalFrom(r.Context()); p.session != nil {
		s.auth.sessions.delete(p.session.id)
		http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", HttpOnly: true,
			Secure: s.TLS, SameSite: http.SameSiteStrictMode, MaxAge: -1})
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

// beginAttempt admits a password attempt for keys (see loginLimiter.begin), or answers 429 with
// Retry-After and returns false when keys have failed too often.
func (s *Server) beginAttempt(w http.ResponseWriter, keys ...string) (time.Time, bool) {
	at, wait := s.auth.limiter.begin(keys...)
	if wait <= 0 {
		return at, true
	}
	w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
	writeError(w, http.StatusTooManyRequests, "too many failed logins; try again later")
	return time.Time{}, false
}

// clientIP is the peer address of r; proxies' forwarding headers are not trusted.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
