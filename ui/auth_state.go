package ui

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// authState is the server's authentication state: sessions, login failures and the requests in flight
// under each credential in memory, users and tokens on disk in dataDir.
type authState struct {
	dataDir  string
	now      func() time.Time
	sessions *sessionStore
	limiter  *loginLimiter
	tokens   *tokenStore
	scopes   *scopes
	creds    *credCache // name and password pairs that verified recently, for CheckLogin

	usersMu sync.Mutex    // serialises changes to users.json (the store has one writer)
	hashSem chan struct{} // bounds concurrent argon2id computations, 64 MiB each
}

// maxConcurrentHashes is how many password hashes may be computed at once; more requests wait.
const maxConcurrentHashes = 2

func newAuthState(dataDir string, now func() time.Time, after afterFunc, log *slog.Logger) (*authState, error) {
	if dataDir == "" {
		return nil, errors.New("DataDir is required")
	}
	if _, err := os.Stat(filepath.Join(dataDir, UsersFile)); err != nil {
		return nil, fmt.Errorf("user store: %w (run porchlight init first)", err)
	}
	tokens, err := openTokenStore(dataDir, now, log)
	if err != nil {
		return nil, err
	}
	return &authState{dataDir: dataDir, now: now, sessions: newSessionStore(now), limiter: newLoginLimiter(now),
		tokens: tokens, scopes: newScopes(after), creds: newCredCache(), hashSem: make(chan struct{}, maxConcurrentHashes)}, nil
}

// verify checks name's password, returning the user when it matches. Unknown users and wrong passwords
// cost the same time.
func (a *authState) verify(ctx context.Context, name, password string) (User, bool, error) {
	select {
	case a.hashSem <- struct{}{}:
	case <-ctx.Done():
		return User{}, false, ctx.Err()
	}
	defer func() { <-a.hashSem }()
	return verifyUser(a.dataDir, name, password)
}

type principalKey struct{}

func withPrincipal(ctx context.Context, p principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// principalFrom returns the caller that guard authenticated.
func principalFrom(ctx context.Context) principal {
	p, _ := ctx.Value(principalKey{}).(principal)
	return p
}
