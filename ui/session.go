package ui

import (
	"crypto/rand"
	"encoding/base64"
	"slices"
	"sync"
	"time"
)

// Session lifetimes: a session ends after idleTimeout without requests (a request in flight, such as an
// open live view, is use), and absoluteTimeout after login whatever its use. A user has at most
// maxUserSessions sessions: a login beyond them ends the user's oldest session.
const (
	idleTimeout     = 12 * time.Hour
	absoluteTimeout = 7 * 24 * time.Hour
	maxUserSessions = 10
)

// session is one logged-in browser. Its fields never change after creation; the store keeps the times.
type session struct {
	id   string // random 32 bytes, the cookie value
	user string
	role UserRole
	csrf string // random 32 bytes, echoed in X-CSRF-Token
	// expires is the absolute expiry, absoluteTimeout after login.
	expires time.Time
}

type sessionEntry struct {
	session
	created, lastSeen time.Time
	inFlight          int // requests under way (see hold)
}

// sessionStore holds the sessions in memory; they end with the process. Expired sessions are dropped when
// met and on every new login, so memory is bounded by maxUserSessions per user.
type sessionStore struct {
	now func() time.Time

	mu   sync.Mutex
	byID map[string]*sessionEntry
}

func newSessionStore(now func() time.Time) *sessionStore {
	return &sessionStore{now: now, byID: map[string]*sessionEntry{}}
}

// create starts a session for user with role. It returns the ids of the sessions it ended to keep the
// user within maxUserSessions (the oldest first), whose requests the caller ends.
func (st *sessionStore) create(user string, role UserRole) (sess *session, evicted []string) {
	now := st.now()
	e := &sessionEntry{session: session{id: randomString(), user: user, role: role, csrf: randomString(),
		expires: now.Add(absoluteTimeout)}, created: now, lastSeen: now}
	st.mu.Lock()
	defer st.mu.Unlock()
	var mine []*sessionEntry
	for id, old := range st.byID {
		switch {
		case old.expired(now):
			delete(st.byID, id)
		case old.user == user:
			mine = append(mine, old)
		}
	}
	slices.SortFunc(mine, func(a, b *sessionEntry) int { return a.created.Compare(b.created) })
	for _, old := range mine[:max(0, len(mine)-(maxUserSessions-1))] {
		delete(st.byID, old.id)
		evicted = append(evicted, old.id)
	}
	st.byID[e.id] = e
	s := e.session
	return &s, evicted
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

// hold counts a request of session id as under way until release, so that the session does not go
// idle while it runs. False: the session has ended.
func (st *sessionStore) hold(id string) bool {
	now := st.now()
	st.mu.Lock()
	defer st.mu.Unlock()
	e, ok := st.byID[id]
	if !ok || e.expired(now) {
		return false
	}
	e.inFlight++
	return true
}

// alive reports whether session id lives, without extending its idle expiry.
func (st *sessionStore) alive(id string) bool {
	now := st.now()
	st.mu.Lock()
	defer st.mu.Unlock()
	e, ok := st.byID[id]
	return ok && !e.expired(now)
}

// release ends what hold began: the session's idle time counts from now.
func (st *sessionStore) release(id string) {
	now := st.now()
	st.mu.Lock()
	defer st.mu.Unlock()
	if e, ok := st.byID[id]; ok {
		e.inFlight--
		e.lastSeen = now
	}
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
	return e.inFlight == 0 && !now.Before(e.lastSeen.Add(idleTimeout)) || !now.Before(e.expires)
}

// randomString returns 32 random bytes, base64url-encoded without padding.
func randomString() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+): it crashes the program instead
	return base64.RawURLEncoding.EncodeToString(b)
}
