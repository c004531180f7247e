package ui

import (
	"io"
	"net/http"
	"net/netip"
	"strings"
	"testing"
	"time"
)

func TestValidBasePath(t *testing.T) {
	for _, tt := range []struct{ path, want string }{
		{"", ""}, {"/nvr", ""}, {"/home/nvr-1", ""}, {"/a.b_c~d", ""},
		{"nvr", "must start with /"},
		{"/nvr/", "must not end with / (write /nvr, not /nvr/)"},
		{"/a/../b", "must not contain . or .. segments"},
		{"/..", "must not contain . or .. segments"},
		{"/a//b", "must be /segment[/segment...] of letters, digits and . _ ~ - (such as /nvr)"},
		{`/a"b`, "must be /segment[/segment...] of letters, digits and . _ ~ - (such as /nvr)"},
		{"/a b", "must be /segment[/segment...] of letters, digits and . _ ~ - (such as /nvr)"},
		{"/a?b", "must be /segment[/segment...] of letters, digits and . _ ~ - (such as /nvr)"},
	} {
		if got := errString(validBasePath(tt.path)); got != tt.want {
			t.Errorf("validBasePath(%q) = %q, want %q", tt.path, got, tt.want)
		}
	}
	if err := ValidateBasePath("/"); err != nil {
		t.Errorf(`ValidateBasePath("/") = %v, want nil (the root)`, err)
	}
	s := &Server{Listen: "127.0.0.1:0", DataDir: t.TempDir(), Cameras: &fakeCameras{}, BasePath: "/nvr/"}
	if err := s.Start(); err == nil || !strings.Contains(err.Error(), "BasePath") {
		t.Errorf("Start with BasePath /nvr/: got %v, want an error naming BasePath", err)
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// noRedirect is a client that shows redirects instead of following them.
var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// TestBasePath: under a base path everything is served below it and nothing outside it; the page, its
// cookies and the URLs the API hands out carry the base path.
func TestBasePath(t *testing.T) {
	f := &fakeEvents{snaps: map[uint64][]byte{}}
	for i := range 3 {
		u := EventSnapshotURL(uint64(i + 1))
		f.evs = append(f.evs, Event{ID: uint64(i + 1), Camera: "front", Kind: "motion",
			Start: time.Date(2026, 3, 1, 11, i, 0, 0, time.UTC), Snapshot: &u})
	}
	e := newAuthEnvWith(t, func(s *Server) { s.BasePath = "/nvr"; s.Events = f })
	root := e.url
	get := func(path string) (int, http.Header, string) {
		t.Helper()
		resp, err := noRedirect.Get(root + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header, string(b)
	}
	for _, tt := range []struct {
		path     string
		code     int
		contains string
		location string
	}{
		{"/nvr/", 200, `<script src="/nvr/app.js" defer>`, ""},
		{"/nvr/", 200, `<meta name="porchlight-base" content="/nvr">`, ""},
		{"/nvr/index.html", 200, `<meta name="porchlight-base" content="/nvr">`, ""},
		{"/nvr/some/view", 200, `<link rel="stylesheet" href="/nvr/app.css">`, ""},
		{"/nvr/app.js", 200, "function url(path)", ""},
		{"/nvr/healthz", 200, "ok", ""},
		{"/nvr/readyz", 200, "", ""},
		{"/nvr/metrics", 200, "porchlight_http_connections", ""},
		{"/nvr/api/v1/session", 401, "authentication required", ""},
		{"/nvr/api/v1/nothing", 401, "", ""},
		{"/nvr", 301, "", "/nvr/"},
		{"/nvr?x=1", 301, "", "/nvr/?x=1"},
		{"/", 301, "", "/nvr/"},
		{"/healthz", 404, "", ""},
		{"/metrics", 404, "", ""},
		{"/api/v1/session", 404, "", ""},
		{"/app.js", 404, "", ""},
		{"/nvrx/app.js", 404, "", ""},
		{"/other/nvr/app.js", 404, "", ""},
	} {
		code, hdr, body := get(tt.path)
		if code != tt.code || !strings.Contains(body, tt.contains) || hdr.Get("Location") != tt.location {
			t.Errorf("GET %s: got %d, Location %q, body %.80q; want %d, Location %q, containing %q", tt.path, code,
				hdr.Get("Location"), body, tt.code, tt.location, tt.contains)
		}
	}

	// Login under the base path: the cookie's Path is the base path, and the session works there.
	e.url = root + "/nvr"
	code, hdr, body := e.do(creds{}, "POST", "/api/v1/login", loginRequest{User: "admin", Password: e.adminPW})
	wantStatus(t, "login under /nvr", code, 200, body)
	cookies := (&http.Response{Header: hdr}).Cookies()
	if len(cookies) != 1 || cookies[0].Path != "/nvr" {
		t.Fatalf("login cookies %q, want one with Path=/nvr", hdr["Set-Cookie"])
	}
	c := e.login("admin", e.adminPW)
	code, _, body = e.do(c, "GET", "/api/v1/session", nil)
	wantStatus(t, "session under /nvr", code, 200, body)

	// The URLs the API hands out: the next page's Link, and the events' snapshots as the node's Events
	// give them (nvr puts the base path in; here the fake gives the bare route).
	code, hdr, body = e.do(c, "GET", "/api/v1/events?limit=2", nil)
	wantStatus(t, "events", code, 200, body)
	if link := hdr.Get("Link"); !strings.HasPrefix(link, "</nvr/api/v1/events?") {
		t.Errorf("Link %q, want it under /nvr/", link)
	}
}

// TestBasePathLogoutCookie: logging out clears the cookie at the base path.
func TestBasePathLogoutCookie(t *testing.T) {
	e := newAuthEnvWith(t, func(s *Server) { s.BasePath = "/home/nvr" })
	e.url += "/home/nvr"
	c := e.login("admin", e.adminPW)
	code, hdr, body := e.do(c, "POST", "/api/v1/logout", nil)
	wantStatus(t, "logout", code, 204, body)
	cookies := (&http.Response{Header: hdr}).Cookies()
	if len(cookies) != 1 || cookies[0].Path != "/home/nvr" || cookies[0].MaxAge >= 0 {
		t.Errorf("logout cookies %q, want one clearing Path=/home/nvr", hdr["Set-Cookie"])
	}
}

// TestSecureCookieFromHTTPSProxy: the session cookie is Secure when a trusted proxy says the client came
// over HTTPS, and not when anyone else says so.
func TestSecureCookieFromHTTPSProxy(t *testing.T) {
	e := newAuthEnvWith(t, func(s *Server) {
		s.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
	})
	for _, tt := range []struct {
		src    string
		secure bool
	}{{"127.0.0.1", true}, {"127.0.0.2", false}} {
		code, hdr, body := e.doVia(tt.src, http.Header{"X-Forwarded-Proto": {"https"}}, "POST", "/api/v1/login",
			loginRequest{User: "admin", Password: e.adminPW})
		wantStatus(t, "login from "+tt.src, code, 200, body)
		cookies := (&http.Response{Header: hdr}).Cookies()
		if len(cookies) != 1 || cookies[0].Secure != tt.secure {
			t.Errorf("from %s with X-Forwarded-Proto https: cookies %q, want Secure %v", tt.src, hdr["Set-Cookie"], tt.secure)
		}
	}
}
