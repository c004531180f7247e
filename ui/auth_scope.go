package ui

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"time"
)

// Credential scopes. Every authenticated request runs under the scope of the credential it presented:
// its session (and that session's user) or its API token. Ending a credential (logout, session expiry or
// eviction, user removal, password change, token revocation) ends the requests in its scope at once, so
// the long ones (live.mp4, alerts/stream, exports and clips, and whatever stream is added later) cannot
// outlive it. Handlers need nothing but to stop when r.Context() is done; one blocked writing to a client
// that does not read is freed by a write deadline in the past, after which net/http closes the connection.
//
// Ordering makes this race-free: guard registers a request under its scope before it checks the
// credential a second time, and whoever ends a credential first removes it from its store and then ends
// its scope. A request so either finds its credential gone, or is registered in time to be ended.

// Causes of a request's context ending early, as context.Cause reports them.
var (
	errCredentialEnded = errors.New("the request's credential ended")
	errSessionExpired  = errors.New("the request's session expired")
)

// Scope keys: a session request is in the scopes of its session and of its user, a token request in
// the scope of its token.
func sessionScope(id string) string { return "session:" + id }
func userScope(name string) string  { return "user:" + name }
func tokenScope(id string) string   { return "token:" + id }

// scopedRequest is one authenticated request in flight.
type scopedRequest struct {
	keys    []string
	session string // the session id; "" for bearer tokens
	cancel  context.CancelCauseFunc
	rc      *http.ResponseController
	// stopTimer stops the timer that ends the request at its session's absolute expiry; nil for tokens.
	stopTimer func() bool

	mu   sync.Mutex
	left bool // the handler returned: the connection is no longer this request's
}

// scopes holds the requests in flight by scope key.
type scopes struct {
	afterFunc afterFunc // times sessions' absolute expiry on the server's clock

	mu    sync.Mutex
	byKey map[string]map[*scopedRequest]struct{}
}

func newScopes(after afterFunc) *scopes {
	return &scopes{afterFunc: after, byKey: map[string]map[*scopedRequest]struct{}{}}
}

// afterFunc runs f once d has passed on a clock, in its own goroutine, unless the stop it returns is
// called first (stop reports whether it prevented f). realAfterFunc is time's; tests that move the
// server's Now by hand pass their clock's, so a session expires when they move it past the expiry.
type afterFunc func(d time.Duration, f func()) (stop func() bool)

func realAfterFunc(d time.Duration, f func()) func() bool { return time.AfterFunc(d, f).Stop }

// enter registers a request answering on w under keys and returns it with the context its handler
// must use. A session request is ended when its session expires, expiry after now.
func (sc *scopes) enter(parent context.Context, w http.ResponseWriter, keys []string, session string,
	expiry time.Duration) (context.Context, *scopedRequest) {
	ctx, cancel := context.WithCancelCause(parent)
	sr := &scopedRequest{keys: keys, session: session, cancel: cancel, rc: http.NewResponseController(w)}
	if session != "" {
		sr.stopTimer = sc.afterFunc(expiry, func() { sr.stop(errSessionExpired) })
	}
	sc.mu.Lock()
	for _, k := range keys {
		set := sc.byKey[k]
		if set == nil {
			set = map[*scopedRequest]struct{}{}
			sc.byKey[k] = set
		}
		set[sr] = struct{}{}
	}
	sc.mu.Unlock()
	return ctx, sr
}

// leave unregisters sr once its handler has returned.
func (sc *scopes) leave(sr *scopedRequest) {
	if sr.stopTimer != nil {
		sr.stopTimer()
	}
	sr.mu.Lock()
	sr.left = true
	sr.mu.Unlock()
	sr.cancel(nil)
	sc.mu.Lock()
	defer sc.mu.Unlock()
	for _, k := range sr.keys {
		delete(sc.byKey[k], sr)
		if len(sc.byKey[k]) == 0 {
			delete(sc.byKey, k)
		}
	}
}

// end ends every request in the scope key, except those spare (may be nil) keeps, with cause.
func (sc *scopes) end(key string, cause error, spare func(*scopedRequest) bool) {
	sc.mu.Lock()
	var ending []*scopedRequest
	for sr := range sc.byKey[key] {
		if spare == nil || !spare(sr) {
			ending = append(ending, sr)
		}
	}
	sc.mu.Unlock()
	for _, sr := range ending {
		sr.stop(cause)
	}
}

// stop ends the request: its context is cancelled and, while its handler runs, the connection's writes
// fail from now on, so a handler blocked in Write returns and the connection closes.
func (sr *scopedRequest) stop(cause error) {
	sr.cancel(cause)
	sr.mu.Lock()
	defer sr.mu.Unlock()
	if !sr.left {
		_ = sr.rc.SetWriteDeadline(time.Now()) // unsupported (a test recorder): the context must do
	}
}

// spareOnly keeps the caller's own request: the one that ends a credential still gets its answer.
func spareOnly(caller *scopedRequest) func(*scopedRequest) bool {
	return func(sr *scopedRequest) bool { return sr == caller }
}
