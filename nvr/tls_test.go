package nvr

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/porchlight/porchlight/recorder/mediatest"
)

// TestServeTLS: with http.tls on and no certificate given, the node serves HTTPS with a self-signed
// certificate, and the CLI's client reaches it, trusting that certificate.
func TestServeTLS(t *testing.T) {
	cfgPath := initForServe(t)
	b, _ := os.ReadFile(cfgPath)
	if err := os.WriteFile(cfgPath, []byte(strings.Replace(string(b), "tls: false", "tls: true", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := Load(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	n, err := NewNode(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- n.Run(ctx) }()
	defer func() { cancel(); <-done }()

	c, err := NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(c.Base, "https://") {
		t.Fatalf("client base %q, want https", c.Base)
	}
	resp, err := c.get(ctx, "/api/v1/cameras", nil)
	if err != nil {
		t.Fatalf("GET over HTTPS: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "[]\n" {
		t.Errorf("cameras: got %q, want an empty list", body)
	}
}

// initForServe inits a node in a temp dir, on a free HTTP port and local p2p, and returns its config path.
func initForServe(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	res, err := Init(dir, RoleHousehold, "Elm Street 12")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(res.ConfigPath)
	b = []byte(strings.Replace(string(b), "listen: 127.0.0.1:7480", fmt.Sprintf("listen: 127.0.0.1:%d", mediatest.FreePort(t)), 1))
	if err := os.WriteFile(res.ConfigPath, LocalP2P(b), 0o600); err != nil {
		t.Fatal(err)
	}
	return res.ConfigPath
}
