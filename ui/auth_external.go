package ui

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"
)

// Errors of CheckLogin.
var (
	// ErrBadLogin: unknown user or wrong password.
	ErrBadLogin = errors.New(msgBadLogin)
	// errNotStarted: CheckLogin before Start.
	errNotStarted = errors.New("ui: server not started")
)

// LoginThrottledError is CheckLogin's answer while the client must wait before trying again.
type LoginThrottledError struct {
	Wait time.Duration
}

func (e *LoginThrottledError) Error() string {
	return fmt.Sprintf("too many failed logins; try again in %s", e.Wait.Round(time.Second))
}

// CheckLogin verifies a web user's name and password for a client of another protocol than HTTP (the
// RTSP restream), from address client, and returns the user's role. Failures count against the same
// limits as the web login's, for the same (address, name) pairs. A pair that verified is remembered for
// credTTL, so a player's several requests cost one password hash; the remembered pair is checked
// against the user store each time, so a password change or removal refuses it at once.
//
// It returns ErrBadLogin, a *LoginThrottledError, or another error when the store cannot be read.
func (s *Server) CheckLogin(ctx context.Context, client net.IP, name, password string) (UserRole, error) {
	if s.auth == nil {
		return "", errNotStarted
	}
	a := s.auth
	k := a.creds.key(name, password)
	if u, ok := a.creds.get(k, a.now()); ok {
		if cur, found, err := findUser(a.dataDir, name); err != nil {
			return "", err
		} else if found && cur.Hash == u.Hash {
			return cur.Role, nil
		}
		a.creds.drop(k)
	}
	at, wait := a.limiter.begin(clientKey(client), name)
	if wait > 0 {
		return "", &LoginThrottledError{Wait: wait}
	}
	u, ok, err := a.verify(ctx, name, password)
	if err != nil {
		a.limiter.undo(at, false)
		return "", err
	}
	if !ok {
		return "", ErrBadLogin // the attempt stays counted as a failure
	}
	a.limiter.undo(at, true)
	a.creds.put(k, u, a.now())
	return u.Role, nil
}

// clientKey is the limiter's key of a client address (ipKey), "" for none.
func clientKey(ip net.IP) string {
	if ip == nil {
		return ""
	}
	return ipKey(ip)
}

// findUser returns user name from the store.
func findUser(dataDir, name string) (User, bool, error) {
	users, err := listUsers(dataDir)
	if err != nil {
		return User{}, false, err
	}
	for _, u := range users {
		if u.Name == name {
			return u, true, nil
		}
	}
	return User{}, false, nil
}
