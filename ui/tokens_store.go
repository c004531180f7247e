package ui

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/porchlight/porchlight/internal/atomicfile"
	"github.com/porchlight/porchlight/internal/formats"
)

// TokensFile is the name of the store of issued API tokens in the data dir. It holds SHA-256 hashes of
// the tokens, never the tokens.
const TokensFile = "tokens.json"

// cliTokenID is the id under which the token in api.token is listed.
const cliTokenID = "cli"

const (
	tokensVersion   = 1
	maxTokens       = 100
	lastUsedPersist = time.Minute // last_used is written to disk at most this often per token
)

// tokenInfo is an API token as listed: never its secret.
type tokenInfo struct {
	ID       string    `json:"id"`
	Name     string    `json:"name"`
	Created  time.Time `json:"created"`
	LastUsed time.Time `json:"last_used,omitzero"`
}

type storedToken struct {
	tokenInfo
	Hash string `json:"hash"` // hex SHA-256 of the token
}

type tokensDoc struct {
	Version int           `json:"version"`
	Tokens  []storedToken `json:"tokens"`
}

// tokenStore checks bearer tokens: the CLI's token from api.token and those issued through the API.
// The CLI token's last use is kept in memory only.
type tokenStore struct {
	dir string
	now func() time.Time
	log *slog.Logger

	writeMu sync.Mutex // serialises writes of tokens.json, taken before mu
	mu      sync.Mutex
	doc     tokensDoc
	cli     *storedToken // nil when api.token is absent or revoked
}

func openTokenStore(dir string, now func() time.Time, log *slog.Logger) (*tokenStore, error) {
	st := &tokenStore{dir: dir, now: now, log: log, doc: tokensDoc{Version: tokensVersion}}
	path := filepath.Join(dir, TokensFile)
	b, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return nil, fmt.Errorf("read tokens: %w", err)
	default:
		if err := json.Unmarshal(b, &st.doc); err != nil {
			return nil, fmt.Errorf("read tokens %s: %w", path, err)
		}
		if st.doc.Version > tokensVersion {
			return nil, formats.TooNew(path, st.doc.Version, tokensVersion)
		}
		if st.doc.Version != tokensVersion {
			return nil, fmt.Errorf("read tokens %s: unsupported version %d (this build reads %d)",
				path, st.doc.Version, tokensVersion)
		}
	}
	tok, err := ReadToken(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist): // revoked, or never created: no CLI token
	case err != nil:
		return nil, err
	default:
		created := time.Time{}
		if fi, err := os.Stat(filepath.Join(dir, TokenFile)); err == nil {
			created = fi.ModTime().UTC()
		}
		st.cli = &storedToken{tokenInfo: tokenInfo{ID: cliTokenID, Name: "CLI (" + TokenFile + ")",
			Created: created}, Hash: hashToken(tok)}
	}
	return st, nil
}

// check returns the id of the token tok, and records its use.
func (st *tokenStore) check(tok string) (string, bool) {
	h := []byte(hashToken(tok))
	now := st.now()
	st.mu.Lock()
	var found *storedToken
	if st.cli != nil && subtle.ConstantTimeCompare(h, []byte(st.cli.Hash)) == 1 {
		found = st.cli
	}
	for i := range st.doc.Tokens {
		if subtle.ConstantTimeCompare(h, []byte(st.doc.Tokens[i].Hash)) == 1 {
			found = &st.doc.Tokens[i]
		}
	}
	if found == nil {
		st.mu.Unlock()
		return "", false
	}
	id := found.ID
	persist := found != st.cli && now.Sub(found.LastUsed) >= lastUsedPersist
	found.LastUsed = now.UTC()
	st.mu.Unlock()
	if persist {
		if err := st.save(); err != nil {
			st.log.Warn("recording API token use", "token", id, "err", err)
		}
	}
	return id, true
}

// live reports whether the token with id is still accepted.
func (st *tokenStore) live(id string) bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	if id == cliTokenID {
		return st.cli != nil
	}
	return slices.ContainsFunc(st.doc.Tokens, func(t storedToken) bool { return t.ID == id })
}

// list returns every token, the CLI's first.
func (st *tokenStore) list() []tokenInfo {
	st.mu.Lock()
	defer st.mu.Unlock()
	out := make([]tokenInfo, 0, len(st.doc.Tokens)+1)
	if st.cli != nil {
		out = append(out, st.cli.tokenInfo)
	}
	for _, t := range st.doc.Tokens {
		out = append(out, t.tokenInfo)
	}
	return out
}

// create issues a token called name and returns its id and the token, which is not stored.
func (st *tokenStore) create(name string) (id, tok string, err error) {
	if name == "" || utf8.RuneCountInString(name) > maxUserName ||
		strings.IndexFunc(name, func(r rune) bool { return !unicode.IsPrint(r) }) >= 0 {
		return "", "", fmt.Errorf("create token: %w: name must be 1-%d printable characters", ErrBadRequest, maxUserName)
	}
	secret := make([]byte, tokenBytes)
	_, _ = rand.Read(secret) // never fails
	tok = hex.EncodeToString(secret)
	idb := make([]byte, 8)
	_, _ = rand.Read(idb)
	id = hex.EncodeToString(idb)
	st.writeMu.Lock()
	defer st.writeMu.Unlock()
	st.mu.Lock()
	if len(st.doc.Tokens) >= maxTokens {
		st.mu.Unlock()
		return "", "", fmt.Errorf("create token: %w: at most %d tokens; revoke one first", ErrBadRequest, maxTokens)
	}
	st.doc.Tokens = append(st.doc.Tokens, storedToken{tokenInfo: tokenInfo{ID: id, Name: name,
		Created: st.now().UTC()}, Hash: hashToken(tok)})
	st.mu.Unlock()
	if err := st.saveLocked(); err != nil {
		st.mu.Lock()
		st.doc.Tokens = st.doc.Tokens[:len(st.doc.Tokens)-1]
		st.mu.Unlock()
		return "", "", fmt.Errorf("create token: %w", err)
	}
	return id, tok, nil
}

// revoke ends the token with id; "cli" removes api.token. An unknown id wraps ErrNotFound.
func (st *tokenStore) revoke(id string) error {
	st.writeMu.Lock()
	defer st.writeMu.Unlock()
	if id == cliTokenID {
		st.mu.Lock()
		had := st.cli != nil
		st.cli = nil // refuse the token from now on, even if removing the file fails
		st.mu.Unlock()
		if !had {
			return fmt.Errorf("revoke token %q: %w", id, ErrNotFound)
		}
		if err := os.Remove(filepath.Join(st.dir, TokenFile)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("revoke token %q: %w", id, err)
		}
		return nil
	}
	st.mu.Lock()
	at := -1
	for i, t := range st.doc.Tokens {
		if t.ID == id {
			at = i
		}
	}
	if at < 0 {
		st.mu.Unlock()
		return fmt.Errorf("revoke token %q: %w", id, ErrNotFound)
	}
	st.doc.Tokens = append(st.doc.Tokens[:at:at], st.doc.Tokens[at+1:]...)
	st.mu.Unlock()
	if err := st.saveLocked(); err != nil {
		return fmt.Errorf("revoke token %q: %w", id, err) // refused in memory; may return after a restart
	}
	return nil
}

func (st *tokenStore) save() error {
	st.writeMu.Lock()
	defer st.writeMu.Unlock()
	return st.saveLocked()
}

// saveLocked writes tokens.json from a snapshot taken now; writeMu must be held, so the last write
// carries the latest state.
func (st *tokenStore) saveLocked() error {
	st.mu.Lock()
	b, err := json.MarshalIndent(st.doc, "", "  ")
	st.mu.Unlock()
	if err != nil {
		return fmt.Errorf("write tokens: %w", err)
	}
	if err := atomicfile.WriteFile(filepath.Join(st.dir, TokensFile), append(b, '\n'), 0o600); err != nil {
		return fmt.Errorf("write tokens: %w", err)
	}
	return nil
}

func hashToken(tok string) string {
	h := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(h[:])
}
