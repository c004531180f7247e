package ui

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCreateAdminAndVerify(t *testing.T) {
	dir := t.TempDir()
	pw, err := CreateAdmin(dir, "admin")
	if err != nil {
		t.Fatalf("CreateAdmin: %v", err)
	}
	if len(pw) < 20 {
		t.Errorf("got password of %d characters, want at least 20", len(pw))
	}
	if _, err := CreateAdmin(dir, "admin"); !errors.Is(err, ErrUserExists) {
		t.Errorf("second CreateAdmin: got error %v, want ErrUserExists", err)
	}
	pw2, err := CreateAdmin(dir, "bob")
	if err != nil {
		t.Fatalf("CreateAdmin bob: %v", err)
	}
	if pw2 == pw {
		t.Errorf("got the same password twice: %q", pw)
	}

	tests := []struct {
		user, password string
		want           bool
	}{
		{"admin", pw, true},
		{"bob", pw2, true},
		{"admin", pw2, false},
		{"admin", pw + "x", false},
		{"admin", "", false},
		{"carol", pw, false},
	}
	for _, tt := range tests {
		t.Run(tt.user, func(t *testing.T) {
			got, err := Verify(dir, tt.user, tt.password)
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if got != tt.want {
				t.Errorf("Verify(%q, %q): got %v, want %v", tt.user, tt.password, got, tt.want)
			}
		})
	}
}

func TestUsersFile(t *testing.T) {
	dir := t.TempDir()
	pw, err := CreateAdmin(dir, "admin")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, UsersFile)
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != 0o600 {
		t.Errorf("got mode %v, want 0600", got)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), pw) {
		t.Errorf("users.json contains the plaintext password")
	}
	var doc usersDoc
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Users) != 1 {
		t.Fatalf("got %d users, want 1", len(doc.Users))
	}
	u := doc.Users[0]
	if u.Name != "admin" || u.Role != UserAdmin || u.Created.IsZero() {
		t.Errorf("got user %+v, want admin/admin with a creation time", u)
	}
	if want := "$argon2id$v=19$m=65536,t=3,p=4$"; !strings.HasPrefix(u.Hash, want) {
		t.Errorf("got hash %q, want prefix %q", u.Hash, want)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Errorf("got %d files in the data dir, want only users.json (no temp files left)", len(entries))
	}
}

func TestVerifyDamagedStore(t *testing.T) {
	tests := []struct {
		name    string
		content string
		wantErr error
	}{
		{"not JSON", "{", nil},
		{"future version", `{"version": 9, "users": []}`, nil},
		{"tampered hash", `{"version": 1, "users": [{"name": "admin", "role": "admin", "hash": "$argon2id$v=19$m=4194304,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"}]}`, ErrBadHash},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, UsersFile), []byte(tt.content), 0o600); err != nil {
				t.Fatal(err)
			}
			ok, err := Verify(dir, "admin", "x")
			if err == nil || ok {
				t.Fatalf("got (%v, %v), want an error", ok, err)
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Errorf("got error %v, want one wrapping %v", err, tt.wantErr)
			}
			if _, err := CreateAdmin(dir, "other"); err == nil && tt.wantErr == nil {
				t.Errorf("CreateAdmin over a damaged store: got nil error, want one")
			}
		})
	}
}

func TestCreateAdminInvalidName(t *testing.T) {
	for _, name := range []string{"", "with space", "tab\t", strings.Repeat("a", 65), "bell\a"} {
		t.Run(name, func(t *testing.T) {
			if _, err := CreateAdmin(t.TempDir(), name); !errors.Is(err, ErrInvalidUser) {
				t.Errorf("got error %v, want ErrInvalidUser", err)
			}
		})
	}
}

func TestParsePHC(t *testing.T) {
	const salt, key = "c2FsdHNhbHRzYWx0c2FsdA", "aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g"
	tests := []struct {
		name, phc string
		wantErr   bool
	}{
		{"valid", "$argon2id$v=19$m=65536,t=3,p=4$" + salt + "$" + key, false},
		{"argon2i", "$argon2i$v=19$m=65536,t=3,p=4$" + salt + "$" + key, true},
		{"old version", "$argon2id$v=16$m=65536,t=3,p=4$" + salt + "$" + key, true},
		{"missing part", "$argon2id$v=19$m=65536,t=3,p=4$" + salt, true},
		{"unknown parameter", "$argon2id$v=19$m=65536,t=3,p=4,x=1$" + salt + "$" + key, true},
		{"huge memory", "$argon2id$v=19$m=4194304,t=3,p=4$" + salt + "$" + key, true},
		{"zero time", "$argon2id$v=19$m=65536,t=0,p=4$" + salt + "$" + key, true},
		{"too many threads", "$argon2id$v=19$m=65536,t=3,p=300$" + salt + "$" + key, true},
		{"padded base64", "$argon2id$v=19$m=65536,t=3,p=4$" + salt + "==$" + key, true},
		{"short hash", "$argon2id$v=19$m=65536,t=3,p=4$" + salt + "$aGFzaA", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, _, err := parsePHC(tt.phc)
			if gotErr := err != nil; gotErr != tt.wantErr {
				t.Errorf("got error %v, want error: %v", err, tt.wantErr)
			}
			if err != nil && !errors.Is(err, ErrBadHash) {
				t.Errorf("got error %v, want one wrapping ErrBadHash", err)
			}
		})
	}
}

func FuzzParsePHC(f *testing.F) {
	f.Add(dummyHash)
	f.Add("$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA")
	f.Add("$argon2id$v=19$m=,t=1$$")
	f.Fuzz(func(t *testing.T, s string) {
		p, salt, key, err := parsePHC(s)
		if err != nil {
			return
		}
		if p.memory > maxMemoryKiB || p.time > maxTime || p.threads == 0 || len(salt) < 8 || len(key) < 16 {
			t.Fatalf("parsePHC(%q) accepted out-of-range values: %+v salt %d key %d", s, p, len(salt), len(key))
		}
		if again := encodePHC(p, salt, key); again != s {
			// Equivalent spellings (leading zeros, reordered parameters) are fine; they must decode the same.
			p2, salt2, key2, err := parsePHC(again)
			if err != nil || p2 != p || string(salt2) != string(salt) || string(key2) != string(key) {
				t.Errorf("re-encoding %q as %q does not decode the same: %v", s, again, err)
			}
		}
	})
}
