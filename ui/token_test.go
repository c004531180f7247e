package ui

import (
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

func TestCreateAndReadToken(t *testing.T) {
	dir := t.TempDir()
	tok, err := CreateToken(dir)
	if err != nil {
		t.Fatalf("CreateToken: %v", err)
	}
	if b, err := hex.DecodeString(tok); err != nil || len(b) != 32 {
		t.Errorf("got token %q, want 32 bytes in hex", tok)
	}
	path := filepath.Join(dir, TokenFile)
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != 0o600 {
		t.Errorf("got mode %v, want 0600", got)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(raw) != tok {
		t.Errorf("got file content %q, want exactly the token %q", raw, tok)
	}
	got, err := ReadToken(dir)
	if err != nil || got != tok {
		t.Errorf("ReadToken: got (%q, %v), want (%q, nil)", got, err, tok)
	}
	again, err := CreateToken(dir)
	if err != nil {
		t.Fatalf("second CreateToken: %v", err)
	}
	if again == tok {
		t.Errorf("second CreateToken returned the same token")
	}
	if got, _ := ReadToken(dir); got != again {
		t.Errorf("after rotation ReadToken: got %q, want %q", got, again)
	}
}

func TestReadTokenErrors(t *testing.T) {
	valid := "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	tests := []struct {
		name    string
		content *string
		want    string // token, or "" for an error
		wantErr error
	}{
		{"missing", nil, "", fs.ErrNotExist},
		{"empty", tokenPtr(""), "", ErrBadToken},
		{"truncated", tokenPtr(valid[:40]), "", ErrBadToken},
		{"not hex", tokenPtr(valid[:63] + "z"), "", ErrBadToken},
		{"trailing newline", tokenPtr(valid + "\n"), valid, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if tt.content != nil {
				if err := os.WriteFile(filepath.Join(dir, TokenFile), []byte(*tt.content), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			got, err := ReadToken(dir)
			if got != tt.want {
				t.Errorf("got token %q, want %q", got, tt.want)
			}
			if (tt.wantErr == nil) != (err == nil) || (tt.wantErr != nil && !errors.Is(err, tt.wantErr)) {
				t.Errorf("got error %v, want %v", err, tt.wantErr)
			}
		})
	}
}

func tokenPtr(s string) *string { return &s }
