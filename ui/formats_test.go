package ui

import (
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// users.json and tokens.json written by a newer porchlight are refused with one line naming the file.
func TestUserFilesFromNewerBuildAreRefused(t *testing.T) {
	dir := t.TempDir()
	users := filepath.Join(dir, UsersFile)
	if err := os.WriteFile(users, []byte(`{"version": 2, "users": []}`), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := loadUsers(dir)
	if want := users + " has format 2; this porchlight knows up to 1: upgrade porchlight"; err == nil || err.Error() != want {
		t.Errorf("users.json: err = %v, want %q", err, want)
	}
	tokens := filepath.Join(dir, TokensFile)
	if err := os.WriteFile(tokens, []byte(`{"version": 3, "tokens": []}`), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = openTokenStore(dir, time.Now, slog.New(slog.DiscardHandler))
	if want := tokens + " has format 3; this porchlight knows up to 1: upgrade porchlight"; err == nil || err.Error() != want {
		t.Errorf("tokens.json: err = %v, want %q", err, want)
	}
}
