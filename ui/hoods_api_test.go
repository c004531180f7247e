package ui

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"
)

// hoodStep is one request of a table test and what its answer must be.
type hoodStep struct {
	name, method, path string
	body               any
	want               int
	wantBody           string // substring of the answer
}

func runHoodSteps(t *testing.T, e *authEnv, c creds, steps []hoodStep) {
	t.Helper()
	for _, st := range steps {
		code, _, body := e.do(c, st.method, st.path, st.body)
		wantStatus(t, st.name, code, st.want, body)
		if !strings.Contains(string(body), st.wantBody) {
			t.Errorf("%s: got body %s, want it to contain %s", st.name, body, st.wantBody)
		}
	}
}

// TestHoodRoutes runs create, invite, join, members and revoke in order as an admin session (with its
// CSRF token), the errors of each included.
func TestHoodRoutes(t *testing.T) {
	f := newFakeHoods()
	e := newHoodEnv(t, f, 0)
	admin := e.login("admin", e.adminPW)
	runHoodSteps(t, e, admin, []hoodStep{
		{"no hoods yet", "GET", "/api/v1/hoods", nil, 200, "[]"},
		{"create", "POST", "/api/v1/hoods", map[string]any{"name": " Elm Street "}, 201, `{"id":"h1","name":"Elm Street","role":"household","steward":true,"self":"self","members":1,"agency_quorum":1}`},
		{"create a taken name", "POST", "/api/v1/hoods", map[string]any{"name": "Elm Street"}, 409, `{"error":"a hood named \"Elm Street\" exists"}`},
		{"create without a name", "POST", "/api/v1/hoods", map[string]any{"name": "  "}, 400, "name: want 1 to 64 characters"},
		{"create with a long name", "POST", "/api/v1/hoods", map[string]any{"name": strings.Repeat("x", 65)}, 400, "name: want 1 to 64 characters"},
		{"create with an unknown key", "POST", "/api/v1/hoods", map[string]any{"name": "a", "x": 1}, 400, "unknown field"},
		{"list", "GET", "/api/v1/hoods", nil, 200, `"name":"Elm Street"`},
		{"invite with the defaults", "POST", "/api/v1/hoods/-/invites", map[string]any{}, 201, `"hood":"h1","role":"household","expires":"2026-11-30T09:00:00Z"`},
		{"invite an agency for 720h", "POST", "/api/v1/hoods/h1/invites", map[string]any{"role": "agency", "ttl": "720h"}, 201, `"role":"agency","expires":"2026-12-27T09:00:00Z"`},
		{"invite for too long", "POST", "/api/v1/hoods/h1/invites", map[string]any{"ttl": "721h"}, 400, `ttl: 721h is not between 0 and 720h0m0s`},
		{"invite for no time", "POST", "/api/v1/hoods/h1/invites", map[string]any{"ttl": "-1h"}, 400, `ttl: -1h is not between`},
		{"invite with a bad ttl", "POST", "/api/v1/hoods/h1/invites", map[string]any{"ttl": "3 days"}, 400, `ttl: \"3 days\" is not a duration`},
		{"invite with a bad role", "POST", "/api/v1/hoods/h1/invites", map[string]any{"role": "mayor"}, 400, `role: \"mayor\" is not household or agency`},
		{"invite to an unknown hood", "POST", "/api/v1/hoods/nope/invites", map[string]any{}, 404, `hood \"nope\": not found`},
		{"join", "POST", "/api/v1/hoods/join", map[string]any{"code": "good"}, 200, `"id":"joined","name":"Maple Court","role":"household","steward":false`},
		{"join with a used invite", "POST", "/api/v1/hoods/join", map[string]any{"code": "expired"}, 409, `{"error":"invite expired at 2026-11-27T10:00:00Z"}`},
		{"join an unreachable steward", "POST", "/api/v1/hoods/join", map[string]any{"code": "unreachable"}, 503, `{"error":"steward 12D3Koo: no address answered: unavailable"}`},
		{"join too often", "POST", "/api/v1/hoods/join", map[string]any{"code": "spam"}, 429, `{"error":"too many joins, try again in 1m0s"}`},
		{"join with garbage", "POST", "/api/v1/hoods/join", map[string]any{"code": "x"}, 400, `{"error":"code: not a porchlight invite"}`},
		{"join without a code", "POST", "/api/v1/hoods/join", map[string]any{"code": ""}, 400, fmt.Sprintf("code: want 1 to %d characters", maxInviteCode)},
		{"invite where not steward", "POST", "/api/v1/hoods/joined/invites", map[string]any{}, 403, `{"error":"only a steward can invite"}`},
		{"invite with two hoods and -", "POST", "/api/v1/hoods/-/invites", map[string]any{}, 404, `hood \"\": not found`},
		{"members", "GET", "/api/v1/hoods/h1/members", nil, 200, `[{"id":"self","name":"Elm Street 12","role":"household","steward":true,"revoked":false,"online":true,"relayed":false,"self":true,"joined":"2026-11-27T09:00:00Z"}]`},
		{"members of an unknown hood", "GET", "/api/v1/hoods/nope/members", nil, 404, `{"error":"hood \"nope\": not found"}`},
		{"revoke", "DELETE", "/api/v1/hoods/h1/members/self", nil, 204, ""},
		{"revoked shows", "GET", "/api/v1/hoods/h1/members", nil, 200, `"revoked":true`},
		{"revoke again", "DELETE", "/api/v1/hoods/h1/members/self", nil, 409, `{"error":"member self is already revoked"}`},
		{"revoke an unknown member", "DELETE", "/api/v1/hoods/h1/members/m9", nil, 404, `member \"m9\": not found`},
	})
	if len(f.invites) != 2 || f.invites[0].Role != "household" || f.invites[1].Role != "agency" {
		t.Errorf("got invites %+v, want a household then an agency invite", f.invites)
	}
}

// TestHoodRoutesViewer: a viewer reads hoods and members; every route that changes something, and the
// invite QR code, answer 403 and change nothing.
func TestHoodRoutesViewer(t *testing.T) {
	f := newFakeHoods()
	f.addHood("h1", "Elm Street", true)
	e := newHoodEnv(t, f, 0)
	viewer := e.login("viewer", viewerPW)
	runHoodSteps(t, e, viewer, []hoodStep{
		{"list", "GET", "/api/v1/hoods", nil, 200, `"id":"h1"`},
		{"members", "GET", "/api/v1/hoods/h1/members", nil, 200, `"id":"self"`},
		{"alerts", "GET", "/api/v1/alerts", nil, 200, "[]"},
		{"create", "POST", "/api/v1/hoods", map[string]any{"name": "x"}, 403, "this needs an admin"},
		{"join", "POST", "/api/v1/hoods/join", map[string]any{"code": "good"}, 403, "this needs an admin"},
		{"invite", "POST", "/api/v1/hoods/h1/invites", map[string]any{}, 403, "this needs an admin"},
		{"qr", "GET", "/api/v1/hoods/h1/invites/qr.svg?code=abc", nil, 403, "this needs an admin"},
		{"revoke", "DELETE", "/api/v1/hoods/h1/members/self", nil, 403, "this needs an admin"},
		{"post an alert", "POST", "/api/v1/alerts", map[string]any{"text": "hi"}, 403, "this needs an admin"},
	})
	if len(f.Hoods()) != 1 || len(f.invites) != 0 || len(f.drafts) != 0 || f.members["h1"][0].Revoked {
		t.Errorf("got hoods %+v, invites %+v, alerts %+v, members %+v; want nothing changed",
			f.Hoods(), f.invites, f.drafts, f.members["h1"])
	}
}

// TestHoodRoutesDisabled: without a Neighborhood every hood and alert route answers 503 with the reason.
func TestHoodRoutesDisabled(t *testing.T) {
	e := newHoodEnv(t, nil, 0)
	n := 0
	for _, rt := range (&Server{}).routeTable() {
		if !strings.HasPrefix(rt.path, "/api/v1/hoods") && !strings.HasPrefix(rt.path, "/api/v1/alerts") {
			continue
		}
		n++
		code, _, body := e.do(creds{bearer: testToken}, rt.method, fillPath(rt.path), map[string]any{})
		wantStatus(t, rt.method+" "+rt.path, code, 503, body)
		if !strings.Contains(string(body), "neighborhoods are not enabled on this node") {
			t.Errorf("%s %s: got body %s, want the reason", rt.method, rt.path, body)
		}
	}
	if n != 14 {
		t.Errorf("got %d hood and alert routes, want 14", n)
	}
}

// TestInviteQR: the route answers an SVG with the quiet zone and the finder patterns in place.
func TestInviteQR(t *testing.T) {
	e := newHoodEnv(t, newFakeHoods(), 0)
	code, hdr, body := e.do(creds{bearer: testToken}, "GET", "/api/v1/hoods/-/invites/qr.svg?code=PL1-abc", nil)
	wantStatus(t, "qr.svg", code, 200, body)
	if got := hdr.Get("Content-Type"); got != "image/svg+xml" {
		t.Errorf("got Content-Type %q, want image/svg+xml", got)
	}
	var svg struct {
		ViewBox string `xml:"viewBox,attr"`
		Path    struct {
			D string `xml:"d,attr"`
		} `xml:"path"`
	}
	if err := xml.Unmarshal(body, &svg); err != nil {
		t.Fatalf("not XML: %v in %s", err, body)
	}
	// Version 1 is 21 modules, plus 4 of quiet zone on each side; the finder patterns' top rows are
	// 7 dark modules starting at (4, 4) and (18, 4), and the left one's second row is dark-light-dark.
	if svg.ViewBox != "0 0 29 29" {
		t.Errorf("got viewBox %q, want 0 0 29 29", svg.ViewBox)
	}
	for _, want := range []string{"M4 4h7v1h-7z", "M18 4h7v1h-7z", "M4 5h1v1h-1z", "M10 5h1v1h-1z"} {
		if !strings.Contains(svg.Path.D, want) {
			t.Errorf("got path %.80s…, want it to contain %s", svg.Path.D, want)
		}
	}
	for _, tt := range []struct{ path, want string }{
		{"/api/v1/hoods/-/invites/qr.svg", fmt.Sprintf("code: want 1 to %d characters", maxQRCode)},
		{"/api/v1/hoods/-/invites/qr.svg?code=" + strings.Repeat("x", maxQRCode+1), fmt.Sprintf("code: want 1 to %d characters", maxQRCode)},
	} {
		code, _, body := e.do(creds{bearer: testToken}, "GET", tt.path, nil)
		wantStatus(t, tt.want, code, 400, body)
	}
}

// TestErrorMessage: the client reads the message of an Error's cause, without the sentinel that picks the
// status, on one line; a failure of the node shows a request ID and no detail, and is logged in full.
func TestErrorMessage(t *testing.T) {
	for _, tt := range []struct {
		err  error
		code int
		want string
	}{
		{WrapError(ErrConflict, errors.New("invite already used")), 409, "invite already used"},
		{WrapError(ErrUnavailable, errors.Join(errors.New("steward offline"), errors.New("no relay"))), 503, "steward offline: no relay"},
		// A peer out of reach: the transport names its addresses, which no client sees.
		{WrapError(ErrUnavailable, errors.New("dial 12D3KooW: all dials failed: /ip4/192.168.1.7/tcp/7481: connection refused")),
			503, "dial 12D3KooW: all dials failed: [redacted]: connection refused"},
		{Errorf(ErrRateLimited, "too many joins, try again in %s", time.Minute), 429, "too many joins, try again in 1m0s"},
		{ErrForbidden, 403, "forbidden"},
		{fmt.Errorf("hood %q: %w", "h9", ErrNotFound), 404, `hood "h9": not found`},
		{fmt.Errorf("camera x: %w", ErrNoRecording), 404, "camera x: no recording"},
		{fmt.Errorf("add: %w", ErrUserExists), 409, "add: user already exists"},
		{requestError("url: missing host"), 400, "url: missing host"},
		// The Kind decides, even where the cause matches another sentinel.
		{WrapError(ErrBadRequest, fmt.Errorf("no hood: %w", ErrNotFound)), 400, "no hood: not found"},
	} {
		rec := httptest.NewRecorder()
		(&Server{Logger: slog.New(slog.DiscardHandler)}).writeErr(rec, tt.err)
		var got struct{ Error string }
		decodeJSONBody(t, rec.Body.Bytes(), &got)
		if rec.Code != tt.code || got.Error != tt.want {
			t.Errorf("writeErr(%q): got %d %q, want %d %q", tt.err, rec.Code, got.Error, tt.code, tt.want)
		}
	}

	var logged bytes.Buffer
	s := &Server{Logger: slog.New(slog.NewTextHandler(&logged, nil))}
	rec := httptest.NewRecorder()
	s.writeErr(rec, fmt.Errorf("open /var/lib/porchlight/outbox/x.age: %w", os.ErrPermission))
	var got struct {
		Error     string
		RequestID string `json:"request_id"`
	}
	decodeJSONBody(t, rec.Body.Bytes(), &got)
	if rec.Code != 500 || got.RequestID == "" || strings.Contains(got.Error, "outbox") || !strings.Contains(got.Error, got.RequestID) {
		t.Errorf("a failure: got %d %s, want 500 with a request ID and no detail", rec.Code, rec.Body)
	}
	if !strings.Contains(logged.String(), "request_id="+got.RequestID) || !strings.Contains(logged.String(), "x.age: permission denied") {
		t.Errorf("a failure: logged %q, want the request ID and the whole error", logged.String())
	}
}

// decodeJSONBody decodes an answer or fails the test.
func decodeJSONBody(t *testing.T, body []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("%v in %s", err, body)
	}
}
