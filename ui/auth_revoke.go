package ui

import (
	"context"
	"errors"
	"net/http"
)

// The credentials' life cycle: admitting a request under its credential's scope, starting a session,
// and ending sessions, users' sessions and tokens together with every request running under them.
//
// What ends what:
//   - logout, and a login from a browser that had a session: that session;
//   - a login beyond maxUserSessions: the user's oldest session;
//   - session expiry (absolute): that session, by a timer on each of its requests;
//   - removing a user: all of the user's sessions;
//   - a password change: all of the user's other sessions (the one that made the change, having just
//     proved the old password, lives on with its streams);
//   - a role change (no route changes roles today; one that does must call endUser);
//   - revoking a token: that token. API tokens are the node's, not a user's: removing the admin who
//     issued one does not revoke it.

// errUserChanged: the user was removed, or their password or role changed, while a login checked the
// password.
var errUserChanged = errors.New("the user changed during login")

// admit registers the request of p answering on w in its credential's scopes, then checks the credential
// once more, so that one ended between authentication and now is refused. It returns the context the
// handler must use and the function to call when the handler returns; false: the credential has ended.
func (a *authState) admit(ctx context.Context, w http.ResponseWriter, p *principal) (context.Context, func(), bool) {
	if p.session == nil {
		ctx, sr := a.scopes.enter(ctx, w, []string{tokenScope(p.token)}, "", 0)
		if !a.tokens.live(p.token) {
			a.scopes.leave(sr)
			return nil, nil, false
		}
		p.scope = sr
		return ctx, func() { a.scopes.leave(sr) }, true
	}
	id := p.session.id
	ctx, sr := a.scopes.enter(ctx, w, []string{sessionScope(id), userScope(p.user)}, id,
		p.session.expires.Sub(a.now()))
	if !a.sessions.hold(id) {
		a.scopes.leave(sr)
		return nil, nil, false
	}
	p.scope = sr
	return ctx, func() { a.scopes.leave(sr); a.sessions.release(id) }, true
}

// live returns whether the credential of p is still accepted, without counting the question as use of
// a session: for the connection limiter, which exempts a connection only while its credential lives.
func (a *authState) live(p principal) func() bool {
	if p.session == nil {
		id := p.token
		return func() bool { return a.tokens.live(id) }
	}
	id := p.session.id
	return func() bool { return a.sessions.alive(id) }
}

// startSession starts a session for u, whose password was just checked, unless u was removed or
// changed meanwhile (errUserChanged): the check and the start hold usersMu, so a removal or password
// change either comes first and is seen, or comes after and ends the new session.
func (a *authState) startSession(u User) (*session, error) {
	a.usersMu.Lock()
	defer a.usersMu.Unlock()
	users, err := listUsers(a.dataDir)
	if err != nil {
		return nil, err
	}
	i := -1
	for j := range users {
		if users[j].Name == u.Name {
			i = j
		}
	}
	if i < 0 || users[i].Hash != u.Hash || users[i].Role != u.Role {
		return nil, errUserChanged
	}
	sess, evicted := a.sessions.create(u.Name, u.Role)
	for _, id := range evicted {
		a.scopes.end(sessionScope(id), errCredentialEnded, nil)
	}
	return sess, nil
}

// endSession ends session id and every request under it but the caller's (nil: none).
func (a *authState) endSession(id string, caller *scopedRequest) {
	a.sessions.delete(id)
	a.scopes.end(sessionScope(id), errCredentialEnded, spareOnly(caller))
}

// endUser ends every session of user name but keep ("": none), and every request under them but the
// caller's.
func (a *authState) endUser(name, keep string, caller *scopedRequest) {
	a.sessions.endUser(name, keep)
	a.scopes.end(userScope(name), errCredentialEnded, func(sr *scopedRequest) bool {
		return sr == caller || keep != "" && sr.session == keep
	})
}

// revokeToken revokes the token with id and ends every request made with it but the caller's. The
// requests end even if the revocation could not be saved: the store refuses the token from now on.
func (a *authState) revokeToken(id string, caller *scopedRequest) error {
	err := a.tokens.revoke(id)
	a.scopes.end(tokenScope(id), errCredentialEnded, spareOnly(caller))
	return err
}
