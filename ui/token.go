package ui

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/porchlight/porchlight/internal/atomicfile"
)

// TokenFile is the name of the API token file in the data dir.
const TokenFile = "api.token"

// ErrBadToken is returned by ReadToken when the token file does not hold a token CreateToken would write.
var ErrBadToken = errors.New("malformed API token")

const tokenBytes = 32

// CreateToken writes a new random API token (32 bytes, hex-encoded, no newline) to <dataDir>/api.token
// with mode 0600, replacing any previous token atomically, and returns it.
func CreateToken(dataDir string) (string, error) {
	b := make([]byte, tokenBytes)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("create API token: %w", err)
	}
	tok := hex.EncodeToString(b)
	if err := atomicfile.WriteFile(filepath.Join(dataDir, TokenFile), []byte(tok), 0o600); err != nil {
		return "", fmt.Errorf("create API token: %w", err)
	}
	return tok, nil
}

// ReadToken returns the API token stored in <dataDir>/api.token. A missing file is an error wrapping
// fs.ErrNotExist; content that is not 64 hex digits (surrounding whitespace aside) wraps ErrBadToken, so
// an empty or truncated file never yields a token that would match an empty Authorization header.
func ReadToken(dataDir string) (string, error) {
	path := filepath.Join(dataDir, TokenFile)
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("read API token: %w", err)
	}
	tok := strings.TrimSpace(string(b))
	if _, err := hex.DecodeString(tok); err != nil || len(tok) != 2*tokenBytes {
		return "", fmt.Errorf("read API token %s: %w", path, ErrBadToken)
	}
	return tok, nil
}
