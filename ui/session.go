package ui

import (
	"crypto/rand"
	"encoding/base64"
	"sync"
	"time"
)

// Session lifetimes: a session ends after idleTimeout without requests, and absoluteTimeout after login
// whatever its use.
const (
	idleTimeout     = 12 * time.Hour
	absoluteTimeout = 7 * 24 * time.Hour
)

// session is one logged-in browser. Its fields never change after creation; the store keeps the times.
type session struct {
	id   string // random 32 bytes, the cookie value
	user string
	role UserRole
	csrf string // random 32 bytes, echoed in X-CSRF-Token
}

type sessionEntry struct {
	session
	created, lastSeen time.Time
}

// sessionStore holds the sessions in memory; they end with the process. Expired sessions are dropped when
// met and on every new login, so memory is bounded by the logins of the last absoluteTimeout.
type sessionStore struct {
	now func() time.Time

	mu   sync.Mutex
	byID map[string]*sessionEntry
}

func newSessionStore(now func() time.Time) *sessionStore {
	return &sessionStore{now: now, byID: map[string]*sessionEntry{}}
}

// create starts a session for user with role.
func (st *sessionStore) create(user string, role UserRole) *session {
	now := st.now()
	e := &sessionEntry{session: session{id: randomString(), user: user, role: role, csrf: randomString()},
		created: now, lastSeen: now}
	st.mu.Lock()
	defer st.mu.Unlock()
	for id, old := range st.byID {
		if old.expired(now) {
			delete(st.byID, id)
		}
	}
	st.byID[e.id] = e
	s := e.session
	return &s
}

// get returns the live session with id and extends its idle expiry.
func (st *sessionStore) get(id string) (*session, bool) {
	now := st.now()
	st.mu.Lock()
	defer st.mu.Unlock()
	e, ok := st.byID[id]
	if !ok {
		return nil, false
	}
	if e.expired(now) {
		delete(st.byID, id)
		return nil, false
	}
	e.lastSeen = now
	s := e.session
	return &s, true
}

// delete ends the session with id, if any.
func (st *sessionStore) delete(id string) {
	st.mu.Lock()
	defer st.mu.Unlock()
	delete(st.byID, id)
}

// endUser ends every session of user except the one with id keep ("" keeps none).
func (st *sessionStore) endUser(user, keep string) {
	st.mu.Lock()
	defer st.mu.Unlock()
	for id, e := range st.byID {
		if e.user == user && id != keep {
			delete(st.byID, id)
		}
	}
}

func (e *sessionEntry) expired(now time.Time) bool {
	return !now.Before(e.lastSeen.Add(idleTimeout)) || !now.Before(e.created.Add(absoluteTimeout))
}

// randomString returns 32 random bytes, base64url-encoded without padding.
func randomString() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+): it crashes the program instead
	return base64.RawURLEncoding.EncodeToString(b)
}
