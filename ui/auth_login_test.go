package ui

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
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

func TestLoginRateLimit(t *testing.T) {
	e := newAuthEnv(t)
	bad := loginRequest{User: "admin", Password: "wrong-password"}
	for i := range loginMaxFailures {
		code, _, body := e.do(creds{}, "POST", "/api/v1/login", bad)
		wantStatus(t, "failure "+string(rune('1'+i)), code, 401, body)
	}
	// Now even the right password is refused: the limit is checked before the password.
	code, hdr, body := e.do(creds{}, "POST", "/api/v1/login", loginRequest{User: "admin", Password: e.adminPW})
	wantStatus(t, "login after the limit", code, 429, body)
	if got, want := hdr.Get("Retry-After"), "300"; got != want {
		t.Errorf("got Retry-After %q, want %q", got, want)
	}
	// The client's address is limited too: another user is refused from the same address.
	code, _, body = e.do(creds{}, "POST", "/api/v1/login", loginRequest{User: "viewer", Password: viewerPW})
	wantStatus(t, "other user from the same address", code, 429, body)

	e.clock.Advance(loginWindow - time.Second)
	code, hdr, body = e.do(creds{}, "POST", "/api/v1/login", loginRequest{User: "admin", Password: e.adminPW})
	wantStatus(t, "login just before the window ends", code, 429, body)
	if got, want := hdr.Get("Retry-After"), "1"; got != want {
		t.Errorf("got Retry-After %q, want %q", got, want)
	}
	e.clock.Advance(time.Second)
	e.login("admin", e.adminPW)
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
