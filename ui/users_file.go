package ui

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/porchlight/porchlight/internal/atomicfile"
	"github.com/porchlight/porchlight/internal/formats"
)

// UsersFile is the name of the user store in the data dir.
const UsersFile = "users.json"

// usersVersion is the format version of users.json this build writes and the newest it reads.
const usersVersion = 1

// Format versions of the ui's files, for `porchlight version --json`.
const (
	UsersFormat  = usersVersion
	TokensFormat = tokensVersion
)

// usersDoc is the content of users.json.
type usersDoc struct {
	Version int    `json:"version"`
	Users   []User `json:"users"`
}

// loadUsers reads <dataDir>/users.json; a missing file is an empty store.
func loadUsers(dataDir string) (*usersDoc, error) {
	path := filepath.Join(dataDir, UsersFile)
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return &usersDoc{Version: usersVersion}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read users: %w", err)
	}
	var doc usersDoc
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("read users %s: %w", path, err)
	}
	if doc.Version > usersVersion {
		return nil, formats.TooNew(path, doc.Version, usersVersion)
	}
	if doc.Version != usersVersion {
		return nil, fmt.Errorf("read users %s: unsupported version %d (this build reads %d)", path, doc.Version, usersVersion)
	}
	return &doc, nil
}

// store writes the document to <dataDir>/users.json atomically with mode 0600.
func (d *usersDoc) store(dataDir string) error {
	b, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return fmt.Errorf("write users: %w", err)
	}
	if err := atomicfile.WriteFile(filepath.Join(dataDir, UsersFile), append(b, '\n'), 0o600); err != nil {
		return fmt.Errorf("write users: %w", err)
	}
	return nil
}
