package fedtest

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/porchlight/porchlight/internal/testutil"
)

// Identity is a fresh key for a test node and its logger: nil, unless PORCHLIGHT_TEST_LOG is set, then
// debug records on stderr tagged with the node's name.
func Identity(t testing.TB, name string) (ed25519.PrivateKey, *slog.Logger) {
	t.Helper()
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	if os.Getenv("PORCHLIGHT_TEST_LOG") == "" {
		return key, nil
	}
	return key, slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug})).With("node", name)
}

// Loopback is the listen address of test nodes: any port on 127.0.0.1.
var Loopback = []string{"/ip4/127.0.0.1/tcp/0"}

// Join has a node join the hood of a steward with a fresh invite for role, and returns what the node's
// Join returned. invite is the steward's Invite (for the only hood, an hour), code reads the invite's
// code, join is the joiner's Join, named name in a failure. Functions, as fedtest cannot name the node.
func Join[I, H any](t testing.TB, name, role string, invite func(hood, role string, ttl time.Duration, via []string) (I, error),
	code func(I) string, join func(ctx context.Context, code string) (H, error)) H {
	t.Helper()
	inv, err := invite("", role, time.Hour, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	h, err := join(ctx, code(inv))
	if err != nil {
		t.Fatalf("%s joins: %v", name, err)
	}
	return h
}

// WaitMembers waits until the node called name lists want members of the hood; members is its Members.
func WaitMembers[M any](t testing.TB, name, hood string, want int, members func(hood string) ([]M, error)) {
	t.Helper()
	testutil.WaitFor(t, 30*time.Second, fmt.Sprintf("%s to list %d members", name, want), func() bool {
		ms, _ := members(hood)
		return len(ms) == want
	})
}
