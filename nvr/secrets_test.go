package nvr

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/porchlight/porchlight/ui"
)

// TestServeSecretFileModes: secret files in the data dir that group or others may open are set to 0600
// at start, each with a warning naming it; other files keep their mode.
func TestServeSecretFileModes(t *testing.T) {
	cfgPath := initForServe(t)
	cfg, err := Load(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	dir := cfg.DataDir()
	if err := os.WriteFile(filepath.Join(dir, "extra.key"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	modes := map[string]os.FileMode{IdentityFile: 0o644, ui.TokenFile: 0o640, ui.UsersFile: 0o604,
		"extra.key": 0o660, "notes.txt": 0o644}
	for name, m := range modes {
		if err := os.Chmod(filepath.Join(dir, name), m); err != nil {
			t.Fatal(err)
		}
	}
	var logs bytes.Buffer
	n, err := NewNode(cfg, slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- n.Run(ctx) }()
	defer func() { cancel(); <-done }()

	for name, was := range modes {
		path := filepath.Join(dir, name)
		want, warned := os.FileMode(0o600), true
		if name == "notes.txt" {
			want, warned = was, false
		}
		checkMode(t, path, want)
		if got := strings.Contains(logs.String(), "file="+path+" "); got != warned {
			t.Errorf("%s: got warning %v, want %v; log:\n%s", name, got, warned, logs.String())
		}
	}
}

// TestServeRefusesOpenTLSKey: a TLS key of the admin's that others may read stops the start, with an
// error naming the key and the fix; porchlight does not change its mode.
func TestServeRefusesOpenTLSKey(t *testing.T) {
	cfgPath := initForServe(t)
	certDir := t.TempDir()
	if _, _, err := ui.TLSConfig(certDir, "", ""); err != nil {
		t.Fatal(err)
	}
	key := filepath.Join(certDir, ui.SelfSignedKeyFile)
	b, _ := os.ReadFile(cfgPath)
	b = []byte(strings.Replace(string(b), "tls: false", fmt.Sprintf("tls: true\n  tls_cert: %s\n  tls_key: %s",
		filepath.Join(certDir, ui.SelfSignedCertFile), key), 1))
	if err := os.WriteFile(cfgPath, b, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		mode    os.FileMode
		wantErr string
	}{
		{0o644, fmt.Sprintf("http.tls_key: %s is readable by others (mode 0644): run chmod o-rwx %s", key, key)},
		{0o640, ""}, // a group such as ssl-cert may read it
	} {
		if err := os.Chmod(key, tt.mode); err != nil {
			t.Fatal(err)
		}
		cfg, err := Load(cfgPath)
		if err != nil {
			t.Fatal(err)
		}
		n, err := NewNode(cfg, nil)
		if err == nil {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			_ = n.Run(ctx)
		}
		if got := fmt.Sprint(err); (tt.wantErr == "" && err != nil) || (tt.wantErr != "" && got != tt.wantErr) {
			t.Errorf("key mode %04o: got error %v, want %q", tt.mode, err, tt.wantErr)
		}
		checkMode(t, key, tt.mode)
	}
}
