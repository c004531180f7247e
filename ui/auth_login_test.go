package ui

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/porchlight/porchlight/internal/testutil"
)

func TestLogin(t *testing.T) {
	e := newAuthEnv(t)
	tests := []struct {
		name, ctype, body string
		want              int
		wantErr           string
	}{
		{"ok", "application/json", `{"user":"admin","password":"` + e.adminPW + `"}`, 200, ""},
		{"wrong password", "application/json", `{"user":"admin","password":"nope-nope-nope"}`, 401, msgBadLogin},
		{"unknown user", "application/json", `{"user":"mallory","password":"nope-nope-nope"}`, 401, msgBadLogin},
		{"unknown field", "application/json", `{"user":"admin","password":"x","admin":true}`, 400, "unknown field"},
		{"trailing data", "application/json", `{"user":"admin","password":"x"} {}`, 400, "after the JSON value"},
		{"too large", "application/json", `{"user":"admin","password":"` + strings.Repeat("x", maxJSONBody) + `"}`, 400, "too large"},
		{"form post", "application/x-www-form-urlencoded", `user=admin&password=x`, 415, "application/json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, hdr, body := e.doRaw(creds{}, "POST", "/api/v1/login", tt.ctype, strings.NewReader(tt.body))
			wantStatus(t, "login", code, tt.want, body)
			if tt.want != 200 {
				var got map[string]string
				if err := json.Unmarshal(body, &got); err != nil || !strings.Contains(got["error"], tt.wantErr) {
					t.Errorf("got body %s, want an error containing %q", body, tt.wantErr)
				}
				if len(hdr["Set-Cookie"]) != 0 {
					t.Errorf("got Set-Cookie %q on a failed login, want none", hdr["Set-Cookie"])
				}
				return
			}
			var info sessionInfo
			if err := json.Unmarshal(body, &info); err != nil {
				t.Fatal(err)
			}
			if info.User != "admin" || info.Role != UserAdmin || len(info.CSRF) < 40 {
				t.Errorf("got %+v, want user admin, role admin and a CSRF token", info)
			}
			cookies := (&http.Response{Header: hdr}).Cookies()
			if len(cookies) != 1 {
				t.Fatalf("got cookies %v, want one", hdr["Set-Cookie"])
			}
			c := cookies[0]
			if c.Name != sessionCookie || len(c.Value) < 40 || !c.HttpOnly || c.SameSite != http.SameSiteStrictMode ||
				c.Path != "/" || c.Secure {
				t.Errorf("got cookie %q, want %s, HttpOnly, SameSite=Strict, Path=/, not Secure without TLS",
					hdr.Get("Set-Cookie"), sessionCookie)
			}
		})
	}
}

func TestLoginCookieSecureUnderTLS(t *testing.T) {
	e := newAuthEnv(t)
	s := &Server{Listen: "127.0.0.1:0", DataDir: e.dir, TLS: true, Cameras: &fakeCameras{}}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.ln.Close() })
	req := httptest.NewRequest("POST", "/api/v1/login",
		strings.NewReader(`{"user":"viewer","password":"`+viewerPW+`"}`))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	cookies := rec.Result().Cookies()
	if rec.Code != 200 || len(cookies) != 1 || !cookies[0].Secure {
		t.Errorf("got status %d, cookies %q, want 200 and a Secure cookie", rec.Code, rec.Header()["Set-Cookie"])
	}
}

// TestLoginRateLimit: wrong passwords slow down the address that sends them, for that user name only;
// the right password from another address works at once, so nobody can lock the owner out.
func TestLoginRateLimit(t *testing.T) {
	e := newAuthEnv(t)
	const attacker, owner = "127.0.0.2", "127.0.0.3"
	bad := loginRequest{User: "admin", Password: "wrong-password"}
	for i := range 5 {
		if i >= pairFreeFailures { // 1 s after the 3rd failure, 2 s after the 4th
			e.clock.Advance(pairBaseDelay << (i - pairFreeFailures))
		}
		code, _, body := e.doFrom(attacker, creds{}, "POST", "/api/v1/login", bad)
		wantStatus(t, fmt.Sprint("failure ", i+1), code, 401, body)
	}
	// The attacker's address must now wait before its next try at admin, even with the right password.
	code, hdr, body := e.doFrom(attacker, creds{}, "POST", "/api/v1/login", loginRequest{User: "admin", Password: e.adminPW})
	wantStatus(t, "the right password from the guessing address", code, 429, body)
	if got, want := hdr.Get("Retry-After"), "4"; got != want {
		t.Errorf("got Retry-After %q, want %q", got, want)
	}
	// The owner, from another address, logs in at once; so does another user from the attacker's address.
	code, _, body = e.doFrom(owner, creds{}, "POST", "/api/v1/login", loginRequest{User: "admin", Password: e.adminPW})
	wantStatus(t, "the right password from another address", code, 200, body)
	code, _, body = e.doFrom(attacker, creds{}, "POST", "/api/v1/login", loginRequest{User: "viewer", Password: viewerPW})
	wantStatus(t, "another user from the guessing address", code, 200, body)

	e.clock.Advance(4 * pairBaseDelay)
	code, _, body = e.doFrom(attacker, creds{}, "POST", "/api/v1/login", loginRequest{User: "admin", Password: e.adminPW})
	wantStatus(t, "the right password after the delay", code, 200, body)
}

// TestLoginSprayLimit: an address trying many names runs out of its budget, and no one else does.
func TestLoginSprayLimit(t *testing.T) {
	e := newAuthEnv(t)
	const sprayer, owner = "127.0.0.2", "127.0.0.3"
	for i := range addrBurst {
		code, _, body := e.doFrom(sprayer, creds{}, "POST", "/api/v1/login", loginRequest{User: fmt.Sprint("user", i), Password: "password1"})
		wantStatus(t, fmt.Sprint("guess ", i+1), code, 401, body)
	}
	code, hdr, body := e.doFrom(sprayer, creds{}, "POST", "/api/v1/login", loginRequest{User: "admin", Password: e.adminPW})
	wantStatus(t, "the sprayer's next login", code, 429, body)
	if got, want := hdr.Get("Retry-After"), "30"; got != want {
		t.Errorf("got Retry-After %q, want %q", got, want)
	}
	code, _, body = e.doFrom(owner, creds{}, "POST", "/api/v1/login", loginRequest{User: "admin", Password: e.adminPW})
	wantStatus(t, "the owner's login from another address", code, 200, body)
}

// doFrom is e.do over a connection from the local address addr (any of 127.0.0.0/8).
func (e *authEnv) doFrom(addr string, c creds, method, path string, body any) (int, http.Header, []byte) {
	e.t.Helper()
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(addr)}}
	tr := &http.Transport{DialContext: d.DialContext}
	defer tr.CloseIdleConnections()
	b, err := json.Marshal(body)
	if err != nil {
		e.t.Fatal(err)
	}
	req, err := http.NewRequest(method, e.url+path, bytes.NewReader(b))
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if c.cookie != "" {
		req.AddCookie(&http.Cookie{Name: sessionCookie, Value: c.cookie})
		req.Header.Set(csrfHeader, c.csrf)
	}
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	rb, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, rb
}

// TestSessionsPerUserCapped: a login beyond maxUserSessions ends the user's oldest session.
func TestSessionsPerUserCapped(t *testing.T) {
	e := newAuthEnv(t)
	var cs []creds
	for range maxUserSessions + 1 {
		cs = append(cs, e.login("viewer", viewerPW))
		e.clock.Advance(time.Second)
	}
	code, _, body := e.do(cs[0], "GET", "/api/v1/session", nil)
	wantStatus(t, "the oldest session", code, 401, body)
	for i, c := range cs[1:] {
		code, _, body := e.do(c, "GET", "/api/v1/session", nil)
		wantStatus(t, fmt.Sprint("session ", i+2), code, 200, body)
	}
	code, _, body = e.do(e.login("admin", e.adminPW), "GET", "/api/v1/session", nil)
	wantStatus(t, "another user's session", code, 200, body)
}

func TestLogoutEndsSession(t *testing.T) {
	e := newAuthEnv(t)
	c := e.login("viewer", viewerPW)
	code, _, body := e.do(c, "POST", "/api/v1/logout", nil)
	wantStatus(t, "logout", code, 204, body)
	code, _, body = e.do(c, "GET", "/api/v1/session", nil)
	wantStatus(t, "session after logout", code, 401, body)
	code, _, body = e.do(c, "GET", "/api/v1/cameras", nil)
	wantStatus(t, "cameras after logout", code, 401, body)
}

func TestSessionExpiry(t *testing.T) {
	tests := []struct {
		name  string
		steps []time.Duration // clock advances, each followed by a request that must succeed
		last  time.Duration   // a final advance after which the session must be gone
	}{
		{"idle", nil, idleTimeout},
		{"idle expiry slides with use", []time.Duration{11 * time.Hour, 11 * time.Hour}, idleTimeout},
		{"absolute", []time.Duration{10 * time.Hour, 10 * time.Hour, 10 * time.Hour, 10 * time.Hour, 10 * time.Hour,
			10 * time.Hour, 10 * time.Hour, 10 * time.Hour, 10 * time.Hour, 10 * time.Hour, 10 * time.Hour,
			10 * time.Hour, 10 * time.Hour, 10 * time.Hour, 10 * time.Hour, 10 * time.Hour}, 8 * time.Hour},
	}
	e := newAuthEnv(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := e.login("viewer", viewerPW)
			for i, d := range tt.steps {
				e.clock.Advance(d)
				code, _, body := e.do(c, "GET", "/api/v1/session", nil)
				wantStatus(t, "request "+string(rune('a'+i)), code, 200, body)
			}
			e.clock.Advance(tt.last)
			code, _, body := e.do(c, "GET", "/api/v1/session", nil)
			wantStatus(t, "request after expiry", code, 401, body)
		})
	}
}

// TestLoginSprayLimitPerIPv6Prefix: the addresses of one IPv6 /64, which one host commonly holds whole,
// share one budget, as they share one cap of connections; another /64 has its own.
func TestLoginSprayLimitPerIPv6Prefix(t *testing.T) {
	e := newAuthEnv(t)
	s := &Server{Listen: "127.0.0.1:0", DataDir: e.dir, Cameras: &fakeCameras{}, Now: e.clock.Now, afterFunc: e.clock.AfterFunc}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.ln.Close() })
	login := func(remote, user, password string) int {
		req := httptest.NewRequest("POST", "/api/v1/login",
			strings.NewReader(`{"user":"`+user+`","password":"`+password+`"}`))
		req.Header.Set("Content-Type", "application/json")
		req.RemoteAddr = remote
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		return rec.Code
	}
	for i := range addrBurst {
		if code := login(fmt.Sprintf("[2001:db8:1:2::%x]:40000", i+1), fmt.Sprint("user", i), "password1"); code != 401 {
			t.Fatalf("guess %d: got status %d, want 401", i+1, code)
		}
	}
	if code := login("[2001:db8:1:2:ffff::1]:40000", "admin", e.adminPW); code != 429 {
		t.Errorf("login from a new address of the sprayer's /64: got status %d, want 429", code)
	}
	if code := login("[2001:db8:1:3::1]:40000", "admin", e.adminPW); code != 200 {
		t.Errorf("login from another /64: got status %d, want 200", code)
	}
}

// TestLoginAbandonedWhileWaitingIsNoError: a login whose client goes away (or whose connection the caps
// shed) while it waits for its turn at the password hash is no failure of the node: it is not logged as
// an error, so clients that send logins and hang up cannot fill the log. The attempt is taken back.
func TestLoginAbandonedWhileWaitingIsNoError(t *testing.T) {
	e := newAuthEnv(t)
	logs, reg := &recordedLog{}, prometheus.NewRegistry()
	s := &Server{Listen: "127.0.0.1:0", DataDir: e.dir, Cameras: &fakeCameras{}, Now: e.clock.Now, afterFunc: e.clock.AfterFunc,
		Logger: slog.New(logs), Registry: reg}
	addr := strings.TrimPrefix(runServer(t, s), "http://")
	for range cap(s.auth.hashSem) { // every hash is taken: the login waits
		s.auth.hashSem <- struct{}{}
	}
	t.Cleanup(func() {
		for range cap(s.auth.hashSem) {
			<-s.auth.hashSem
		}
	})
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	body := `{"user":"admin","password":"` + e.adminPW + `"}`
	fmt.Fprintf(c, "POST /api/v1/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s",
		len(body), body)
	waiting := func() bool {
		s.auth.limiter.mu.Lock()
		defer s.auth.limiter.mu.Unlock()
		return len(s.auth.limiter.pairs) == 1
	}
	testutil.WaitFor(t, 5*time.Second, "the login to wait for a hash", waiting)
	c.Close()
	testutil.WaitFor(t, 5*time.Second, "the server to close the abandoned connection", func() bool {
		return gatherValues(t, reg)[`porchlight_http_connections{state="unauthenticated"}`] == 0
	})
	if got := logs.containing("ERROR"); len(got) != 0 {
		t.Errorf("an abandoned login: got log lines %q, want no error", got)
	}
	if waiting() {
		t.Error("an abandoned login: the attempt still counts as a failure")
	}
}
