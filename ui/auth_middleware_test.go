package ui

import (
	"net/http"
	"strings"
	"testing"
)

func TestAnonymousAPIRequestsGet401(t *testing.T) {
	e := newAuthEnv(t)
	anon := []struct {
		name string
		c    creds
	}{
		{"no credential", creds{}},
		{"wrong bearer token", creds{bearer: "0000000000000000000000000000000000000000000000000000000000000000"}},
		{"unknown session cookie", creds{cookie: "not-a-session", csrf: "x"}},
	}
	s := &Server{}
	for _, rt := range s.routeTable() {
		if !strings.HasPrefix(rt.path, "/api/") || rt.path == "/api/v1/login" {
			continue
		}
		for _, a := range anon {
			t.Run(rt.method+" "+rt.path+" "+a.name, func(t *testing.T) {
				code, hdr, body := e.do(a.c, rt.method, fillPath(rt.path), nil)
				wantStatus(t, "request", code, 401, body)
				if got := hdr.Get("Content-Type"); got != "application/json" {
					t.Errorf("got Content-Type %q, want application/json", got)
				}
			})
		}
	}
	code, _, body := e.do(creds{}, "PUT", "/api/v1/cameras", nil)
	wantStatus(t, "PUT on a GET route", code, 401, body)
}

// TestRouteRoles pins the role rule of the issue: viewers may only GET, log out and change their own
// password. Every other state-changing route is admin-only. Public are only login, /metrics and the
// probes /healthz and /readyz, which answer with a status and no footage or names.
func TestRouteRoles(t *testing.T) {
	s := &Server{}
	// A viewer changes only their own session, password, push subscriptions, what notifies on the
	// channels they own (the handler checks the owner), and the household's read mark of the alerts feed.
	viewerMayChange := map[string]bool{"POST /api/v1/logout": true, "POST /api/v1/password": true,
		"PUT /api/v1/notify/mine/{name}": true, "POST /api/v1/alerts/read": true,
		"POST /api/v1/push/subscriptions": true, "DELETE /api/v1/push/subscriptions/{id}": true}
	mayBePublic := map[string]bool{"POST /api/v1/login": true, "GET /metrics": true, "GET /healthz": true, "GET /readyz": true}
	for _, rt := range s.routeTable() {
		key := rt.method + " " + rt.path
		if rt.access == public {
			if !mayBePublic[key] {
				t.Errorf("route %s is public, want only login, /metrics and the probes public", key)
			}
			continue
		}
		if rt.method != "GET" && rt.access != adminOnly && !viewerMayChange[key] {
			t.Errorf("route %s changes state and is open to viewers, want adminOnly", key)
		}
	}
}

func TestCSRF(t *testing.T) {
	e := newAuthEnv(t)
	admin := e.login("admin", e.adminPW)
	tests := []struct {
		name         string
		c            creds
		method, path string
		body         any
		want         int
	}{
		{"cookie POST without token", creds{cookie: admin.cookie}, "POST", "/api/v1/tokens", newTokenRequest{Name: "a"}, 403},
		{"cookie POST with wrong token", creds{cookie: admin.cookie, csrf: "x" + admin.csrf}, "POST", "/api/v1/tokens", newTokenRequest{Name: "a"}, 403},
		{"cookie DELETE without token", creds{cookie: admin.cookie}, "DELETE", "/api/v1/users/viewer", nil, 403},
		{"cookie logout without token", creds{cookie: admin.cookie}, "POST", "/api/v1/logout", nil, 403},
		{"cookie POST with token", admin, "POST", "/api/v1/tokens", newTokenRequest{Name: "b"}, 201},
		{"cookie GET without token", creds{cookie: admin.cookie}, "GET", "/api/v1/tokens", nil, 200},
		{"bearer POST without token", creds{bearer: testToken}, "POST", "/api/v1/tokens", newTokenRequest{Name: "c"}, 201},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, body := e.do(tt.c, tt.method, tt.path, tt.body)
			wantStatus(t, tt.method+" "+tt.path, code, tt.want, body)
		})
	}
	// The refused DELETE changed nothing, and the session survived the refused logout.
	code, _, body := e.do(admin, "GET", "/api/v1/users", nil)
	wantStatus(t, "users after refused requests", code, 200, body)
	if !strings.Contains(string(body), `"viewer"`) {
		t.Errorf("got users %s, want viewer still there", body)
	}
}

func TestViewerCannotChangeSettings(t *testing.T) {
	e := newAuthEnv(t)
	viewer := e.login("viewer", viewerPW)
	s := &Server{}
	for _, rt := range s.routeTable() {
		path := fillPath(rt.path)
		want := http.StatusOK
		switch {
		case rt.access == public:
			continue
		case rt.access == adminOnly:
			want = http.StatusForbidden
		case rt.method != "GET":
			continue // logout and password have their own tests
		case strings.HasPrefix(rt.path, "/api/v1/hoods") || rt.path == "/api/v1/p2p" || strings.HasPrefix(rt.path, "/api/v1/alerts"):
			want = http.StatusServiceUnavailable // past the guard; this server has no Neighborhood
		case requestRoute(rt.path):
			want = http.StatusServiceUnavailable // past the guard; this server has no Requests
		case strings.HasPrefix(rt.path, "/api/v1/events"):
			want = http.StatusServiceUnavailable // past the guard; this server has no Events
		case strings.HasPrefix(rt.path, "/api/v1/push"):
			want = http.StatusServiceUnavailable // past the guard; this server has no Push
		case strings.Contains(rt.path, "/hls/"):
			want = http.StatusServiceUnavailable // past the guard; this server has no HLS
		case strings.Contains(rt.path, "export.mp4"):
			path += "?start=2026-01-01T00:00:00Z"
		}
		t.Run(rt.method+" "+rt.path, func(t *testing.T) {
			code, _, body := e.do(viewer, rt.method, path, map[string]string{})
			wantStatus(t, "viewer", code, want, body)
		})
	}
	code, _, body := e.do(creds{bearer: testToken}, "GET", "/api/v1/users", nil)
	wantStatus(t, "users after the viewer's attempts", code, 200, body)
	if !strings.Contains(string(body), `"viewer"`) || !strings.Contains(string(body), `"admin"`) {
		t.Errorf("got users %s, want admin and viewer unchanged", body)
	}
}

// requestRoute reports whether a path belongs to the agency-request routes.
func requestRoute(path string) bool {
	for _, p := range []string{"/api/v1/requests", "/api/v1/deliveries", "/api/v1/submissions", "/api/v1/request-policy",
		"/api/v1/agencies", "/api/v1/log/", "/api/v1/transparency"} {
		if strings.HasPrefix(path, p) {
			return true
		}
	}
	return false
}
