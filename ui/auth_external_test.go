package ui

import (
	"context"
	"errors"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/porchlight/porchlight/internal/atomicfile"
)

func startLoginServer(t *testing.T) (*Server, string) {
	t.Helper()
	dir := t.TempDir()
	if _, err := CreateAdmin(dir, "admin"); err != nil {
		t.Fatal(err)
	}
	if err := atomicfile.WriteFile(filepath.Join(dir, TokenFile), []byte(testToken), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := addUser(dir, "viewer", UserViewer, "viewer-password", time.Now()); err != nil {
		t.Fatal(err)
	}
	// A clock that stands still: the limiter's delays do not pass while a slow password hash runs.
	now := time.Now()
	s := &Server{Listen: "127.0.0.1:0", DataDir: dir, Cameras: &fakeCameras{}, Now: func() time.Time { return now }}
	return s, runServer(t, s)
}

var lan = net.ParseIP("192.0.2.7")

// TestCheckLogin: the right password gives the user's role, a wrong one or an unknown user ErrBadLogin.
func TestCheckLogin(t *testing.T) {
	s, _ := startLoginServer(t)
	ctx := context.Background()
	if role, err := s.CheckLogin(ctx, lan, "viewer", "viewer-password"); err != nil || role != UserViewer {
		t.Errorf("right password: got %q, %v; want viewer", role, err)
	}
	for _, tc := range [][2]string{{"viewer", "wrong-password"}, {"nobody", "viewer-password"}, {"viewer", ""}} {
		if _, err := s.CheckLogin(ctx, net.ParseIP("192.0.2.8"), tc[0], tc[1]); !errors.Is(err, ErrBadLogin) {
			t.Errorf("%s / %q: got %v, want ErrBadLogin", tc[0], tc[1], err)
		}
	}
}

// TestCheckLoginRemembers: a pair that verified needs no password hash for a while (it passes while
// every hash slot is taken), but a new password or the user's removal refuses it at once.
func TestCheckLoginRemembers(t *testing.T) {
	s, _ := startLoginServer(t)
	ctx := context.Background()
	if _, err := s.CheckLogin(ctx, lan, "viewer", "viewer-password"); err != nil {
		t.Fatal(err)
	}
	for range maxConcurrentHashes {
		s.auth.hashSem <- struct{}{}
	}
	short, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	if role, err := s.CheckLogin(short, lan, "viewer", "viewer-password"); err != nil || role != UserViewer {
		t.Errorf("remembered pair with no hash slot free: got %q, %v; want viewer", role, err)
	}
	if _, err := s.CheckLogin(short, lan, "admin", "not-remembered"); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("a pair not remembered with no hash slot free: got %v, want it to wait for one", err)
	}
	cancel()
	for range maxConcurrentHashes {
		<-s.auth.hashSem
	}

	if err := setPassword(s.DataDir, "viewer", "a-new-password"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CheckLogin(ctx, lan, "viewer", "viewer-password"); !errors.Is(err, ErrBadLogin) {
		t.Errorf("old password after a change: got %v, want ErrBadLogin", err)
	}
	if _, err := s.CheckLogin(ctx, lan, "viewer", "a-new-password"); err != nil {
		t.Fatal(err)
	}
	if err := removeUser(s.DataDir, "viewer"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CheckLogin(ctx, lan, "viewer", "a-new-password"); !errors.Is(err, ErrBadLogin) {
		t.Errorf("removed user: got %v, want ErrBadLogin", err)
	}
}

// TestCheckLoginThrottled: failures count with the web login's: after three failed web logins from an
// address, the next attempt for that name from there must wait, and the right password does not help.
func TestCheckLoginThrottled(t *testing.T) {
	s, base := startLoginServer(t)
	for range pairFreeFailures {
		res, err := http.Post(base+"/api/v1/login", "application/json",
			strings.NewReader(`{"user":"viewer","password":"guess"}`))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("web login with a wrong password: got %d, want 401", res.StatusCode)
		}
	}
	var th *LoginThrottledError
	_, err := s.CheckLogin(context.Background(), net.ParseIP("127.0.0.1"), "viewer", "viewer-password")
	if !errors.As(err, &th) || th.Wait <= 0 {
		t.Fatalf("after %d failed web logins: got %v, want LoginThrottledError", pairFreeFailures, err)
	}
	if _, err := s.CheckLogin(context.Background(), lan, "viewer", "viewer-password"); err != nil {
		t.Errorf("another address: got %v, want the login to pass", err)
	}
}
