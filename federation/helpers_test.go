package federation

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"log/slog"
	"os"
	"testing"
	"time"
)

// testNode starts a node on 127.0.0.1 with a fresh key and data dir, running until the test ends.
func testNode(t testing.TB, name string, edit func(*Config)) *Node {
	t.Helper()
	_, key, _ := ed25519.GenerateKey(rand.Reader)
	cfg := Config{DataDir: t.TempDir(), Key: key, Name: name, Listen: []string{"/ip4/127.0.0.1/tcp/0"},
		DiscoverInterval: time.Second, SyncInterval: 10 * time.Second}
	if os.Getenv("PORCHLIGHT_TEST_LOG") != "" {
		cfg.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug})).With("node", name)
	}
	if edit != nil {
		edit(&cfg)
	}
	return startNode(t, cfg)
}

// startNode starts a node from cfg and stops it at the end of the test.
func startNode(t testing.TB, cfg Config) *Node {
	t.Helper()
	n, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { n.Run(ctx); close(done) }()
	t.Cleanup(func() {
		cancel()
		<-done
		if err := n.Close(); err != nil {
			t.Error(err)
		}
	})
	return n
}

// join has node j join the hood of steward s with a fresh invite.
func join(t testing.TB, s, j *Node, role string) HoodInfo {
	t.Helper()
	inv, err := s.Invite("", role, time.Hour, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	h, err := j.Join(ctx, inv.Code)
	if err != nil {
		t.Fatalf("%s joins: %v", j.cfg.Name, err)
	}
	return h
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t testing.TB, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", d, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// hasAlert reports whether n holds the alert.
func hasAlert(n *Node, id string) bool {
	as, _ := n.Alerts("", time.Time{})
	for _, a := range as {
		if a.ID == id {
			return true
		}
	}
	return false
}

func names(n int, prefix string) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s%02d", prefix, i)
	}
	return out
}
