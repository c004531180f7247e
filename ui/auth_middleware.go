package ui

import (
	"crypto/subtle"
	"net/http"
	"strings"
)

// access is what a route demands of its caller.
type access int

const (
	public    access = iota // no credential (login, /metrics)
	anyUser                 // any authenticated caller, viewers included
	adminOnly               // admins and API tokens
)

// principal is the authenticated caller of a request.
type principal struct {
	user    string         // user name; "token:<id>" for API tokens
	role    UserRole       // API tokens act as admin
	session *session       // nil for bearer-token requests
	token   string         // the API token's id; "" for sessions
	scope   *scopedRequest // this request in its credential's scope (see auth_scope.go)
}

// HTTP names of the credentials.
const (
	sessionCookie = "porchlight_session"
	csrfHeader    = "X-CSRF-Token"
)

// guard wraps h with authentication, CSRF protection and the role check of acc.
//
// A request is authenticated by `Authorization: Bearer <token>` or by the session cookie; a request that
// offers a bearer token is judged by it alone. Cookie requests with a state-changing method must echo the
// session's CSRF token in X-CSRF-Token; bearer requests carry no ambient credential and are exempt. The
// handler runs in its credential's scope: its context ends, and its connection's writes fail, when the
// credential ends (see auth_scope.go), so a stream ends with it.
func (s *Server) guard(acc access, h http.HandlerFunc) http.HandlerFunc {
	if acc == public {
		return h
	}
	return func(w http.ResponseWriter, r *http.Request) {
		p, ok := s.authenticate(r)
		if !ok {
			unauthorized(w)
			return
		}
		connAuthenticated(r.Context(), s.auth.live(p)) // exempts the connection from the caps while p's credential lives
		if p.session != nil && stateChanging(r.Method) &&
			subtle.ConstantTimeCompare([]byte(r.Header.Get(csrfHeader)), []byte(p.session.csrf)) != 1 {
			writeError(w, http.StatusForbidden, "missing or wrong "+csrfHeader+" header")
			return
		}
		if acc == adminOnly && p.role != UserAdmin {
			writeError(w, http.StatusForbidden, "this needs an admin")
			return
		}
		ctx, done, ok := s.auth.admit(r.Context(), w, &p)
		if !ok { // ended since authenticate
			unauthorized(w)
			return
		}
		defer done()
		h(w, r.WithContext(withPrincipal(ctx, p)))
	}
}

func unauthorized(w http.ResponseWriter) {
	w.Header().Set("WWW-Authenticate", `Bearer realm="porchlight"`)
	writeError(w, http.StatusUnauthorized, "authentication required")
}

// authenticate finds the caller of r from its bearer token or session cookie.
func (s *Server) authenticate(r *http.Request) (principal, bool) {
	if hdr := r.Header.Get("Authorization"); hdr != "" {
		tok, ok := strings.CutPrefix(hdr, "Bearer ")
		if !ok {
			return principal{}, false
		}
		id, ok := s.auth.tokens.check(tok)
		if !ok {
			return principal{}, false
		}
		return principal{user: "token:" + id, role: UserAdmin, token: id}, true
	}
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return principal{}, false
	}
	sess, ok := s.auth.sessions.get(c.Value)
	if !ok {
		return principal{}, false
	}
	return principal{user: sess.user, role: sess.role, session: sess}, true
}

// stateChanging reports whether method may change state, and so needs CSRF protection.
func stateChanging(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return false
	}
	return true
}
