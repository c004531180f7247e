package ui

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/porchlight/porchlight/internal/atomicfile"
)

// testClock is a clock the test moves by hand; its timers fire when Advance moves it to their time.
type testClock struct {
	mu     sync.Mutex
	t      time.Time
	timers map[*clockTimer]struct{}
}

type clockTimer struct {
	at time.Time
	f  func()
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock by d and runs, each in its own goroutine as time.AfterFunc does, the timers
// that are due.
func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
	for tm := range c.timers {
		if !tm.at.After(c.t) {
			delete(c.timers, tm)
			go tm.f()
		}
	}
}

// AfterFunc is the server's afterFunc on this clock: f runs once Advance has moved the clock by d.
func (c *testClock) AfterFunc(d time.Duration, f func()) func() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	tm := &clockTimer{at: c.t.Add(d), f: f}
	if d <= 0 {
		go f()
		return func() bool { return false }
	}
	if c.timers == nil {
		c.timers = map[*clockTimer]struct{}{}
	}
	c.timers[tm] = struct{}{}
	return func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		_, pending := c.timers[tm]
		delete(c.timers, tm)
		return pending
	}
}

// authEnv is a started server over a data dir with an admin, a viewer and the CLI token.
type authEnv struct {
	t       *testing.T
	dir     string
	url     string
	clock   *testClock
	adminPW string
	// configure, when set, adjusts the server before it starts (a base path, trusted proxies).
	configure func(*Server)
}

const viewerPW = "viewer-password-1"

func newAuthEnv(t *testing.T) *authEnv {
	t.Helper()
	return newAuthEnvWith(t, nil)
}

// newAuthEnvWith is newAuthEnv with configure applied to the server before it starts.
func newAuthEnvWith(t *testing.T, configure func(*Server)) *authEnv {
	t.Helper()
	dir := t.TempDir()
	pw, err := CreateAdmin(dir, "admin")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := addUser(dir, "viewer", UserViewer, viewerPW, time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := atomicfile.WriteFile(dir+"/"+TokenFile, []byte(testToken), 0o600); err != nil {
		t.Fatal(err)
	}
	e := &authEnv{t: t, dir: dir, clock: &testClock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}, adminPW: pw,
		configure: configure}
	e.url = e.start()
	return e
}

// start runs a server over e.dir until the test ends and returns its base URL.
func (e *authEnv) start() string {
	e.t.Helper()
	s := &Server{Listen: "127.0.0.1:0", DataDir: e.dir, Cameras: &fakeCameras{}, Now: e.clock.Now, afterFunc: e.clock.AfterFunc}
	if e.configure != nil {
		e.configure(s)
	}
	return runServer(e.t, s)
}

// creds are the credentials a request carries.
type creds struct {
	bearer string
	cookie string // session id
	csrf   string
}

// do sends a request; body, if not nil, is sent as JSON.
func (e *authEnv) do(c creds, method, path string, body any) (int, http.Header, []byte) {
	e.t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	return e.doRaw(c, method, path, "application/json", rd)
}

func (e *authEnv) doRaw(c creds, method, path, ctype string, body io.Reader) (int, http.Header, []byte) {
	e.t.Helper()
	req, err := http.NewRequest(method, e.url+path, body)
	if err != nil {
		e.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", ctype)
	}
	if c.bearer != "" {
		req.Header.Set("Authorization", "Bearer "+c.bearer)
	}
	if c.cookie != "" {
		req.AddCookie(&http.Cookie{Name: sessionCookie, Value: c.cookie})
	}
	if c.csrf != "" {
		req.Header.Set(csrfHeader, c.csrf)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, b
}

// login logs user in and returns the session's credentials; it fails the test unless the login succeeds.
func (e *authEnv) login(user, password string) creds {
	e.t.Helper()
	code, hdr, body := e.do(creds{}, "POST", "/api/v1/login", loginRequest{User: user, Password: password})
	if code != http.StatusOK {
		e.t.Fatalf("login %s: got status %d, want 200 (%s)", user, code, body)
	}
	var info sessionInfo
	if err := json.Unmarshal(body, &info); err != nil {
		e.t.Fatal(err)
	}
	for _, c := range (&http.Response{Header: hdr}).Cookies() {
		if c.Name == sessionCookie {
			return creds{cookie: c.Value, csrf: info.CSRF}
		}
	}
	e.t.Fatalf("login %s: no %s cookie in %v", user, sessionCookie, hdr["Set-Cookie"])
	return creds{}
}

// fillPath replaces the path parameters of a route pattern.
func fillPath(p string) string {
	return strings.NewReplacer("{name}", "front", "{id}", "nope").Replace(p)
}

// wantStatus fails the test unless got is want.
func wantStatus(t *testing.T, what string, got, want int, body []byte) {
	t.Helper()
	if got != want {
		t.Errorf("%s: got status %d, want %d (%s)", what, got, want, bytes.TrimSpace(body))
	}
}
