package ui

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/porchlight/porchlight/internal/testutil"
)

// Streams end with their credential: every long response (live video, event streams, clips) runs under
// the scope of the session or token that opened it, and ends within a second of logout, user removal,
// token revocation, password change or session expiry, while other credentials' streams go on.

// streamEnd is the most a stream may outlive its credential.
const streamEnd = time.Second

// streamRoutes are the routes whose 200 answer is a stream (video/mp4 or text/event-stream in
// openapi.yaml), so a route added later is tested without anyone remembering to.
func streamRoutes(t *testing.T) []string {
	t.Helper()
	var doc struct {
		Paths map[string]map[string]struct {
			Responses map[string]struct {
				Content map[string]any `yaml:"content"`
			} `yaml:"responses"`
		} `yaml:"paths"`
	}
	if err := yaml.Unmarshal(openAPI, &doc); err != nil {
		t.Fatalf("openapi.yaml: %v", err)
	}
	var out []string
	for path, ops := range doc.Paths {
		for method, op := range ops {
			for ctype := range op.Responses["200"].Content {
				if ctype == "video/mp4" || ctype == "text/event-stream" {
					out = append(out, strings.ToUpper(method)+" "+path)
				}
			}
		}
	}
	slices.Sort(out)
	return out
}

// streamPaths tells how to open each stream route against the endless fakes of newStreamEnv. A stream
// route missing here fails TestStreamsEndWithTheirCredential: add it, with a fake that streams forever.
var streamPaths = map[string]string{
	"GET /api/v1/cameras/{name}/live.mp4":   "/api/v1/cameras/front/live.mp4",
	"GET /api/v1/cameras/{name}/export.mp4": "/api/v1/cameras/front/export.mp4?start=2026-01-01T00:00:00Z",
	"GET /api/v1/alerts/stream":             "/api/v1/alerts/stream",
	"GET /api/v1/events/stream":             "/api/v1/events/stream",
	"GET /api/v1/alerts/{id}/clip.mp4":      "/api/v1/alerts/a1/clip.mp4",
	"GET /api/v1/submissions/{id}/clip.mp4": "/api/v1/submissions/s1/clip.mp4",
}

// endCase ends one credential; victims must stop streaming, survivors must go on.
type endCase struct {
	name string
	// prepare makes the credentials; end, called once their streams flow, ends the victims' credential.
	prepare func(e *streamEnv) (victims, survivors []creds, end func())
}

var endCases = []endCase{
	{"logout", func(e *streamEnv) ([]creds, []creds, func()) {
		a, b := e.login("alice", alicePW), e.login("alice", alicePW)
		return []creds{a}, []creds{b, e.login("admin", e.adminPW), {bearer: testToken}}, func() {
			code, _, body := e.do(a, "POST", "/api/v1/logout", nil)
			wantStatus(e.t, "logout", code, 204, body)
		}
	}},
	{"delete user", func(e *streamEnv) ([]creds, []creds, func()) {
		admin := e.login("admin", e.adminPW)
		return []creds{e.login("alice", alicePW), e.login("alice", alicePW)}, []creds{admin, {bearer: testToken}}, func() {
			code, _, body := e.do(admin, "DELETE", "/api/v1/users/alice", nil)
			wantStatus(e.t, "delete alice", code, 204, body)
		}
	}},
	{"revoke token", func(e *streamEnv) ([]creds, []creds, func()) {
		code, _, body := e.do(creds{bearer: testToken}, "POST", "/api/v1/tokens", newTokenRequest{Name: "nas"})
		wantStatus(e.t, "create token", code, 201, body)
		var tok newTokenResponse
		if err := json.Unmarshal(body, &tok); err != nil {
			e.t.Fatal(err)
		}
		return []creds{{bearer: tok.Token}}, []creds{{bearer: testToken}, e.login("alice", alicePW)}, func() {
			code, _, body := e.do(creds{bearer: testToken}, "DELETE", "/api/v1/tokens/"+tok.ID, nil)
			wantStatus(e.t, "revoke token", code, 204, body)
		}
	}},
	{"change password", func(e *streamEnv) ([]creds, []creds, func()) {
		// The session that changes the password lives on, and so do its streams; the others end.
		a, b := e.login("alice", alicePW), e.login("alice", alicePW)
		return []creds{b}, []creds{a, e.login("admin", e.adminPW)}, func() {
			code, _, body := e.do(a, "POST", "/api/v1/password", passwordRequest{Old: alicePW, New: "alices-new-password"})
			wantStatus(e.t, "change password", code, 204, body)
		}
	}},
	{"session expiry", func(e *streamEnv) ([]creds, []creds, func()) {
		// alice's session is kept in use up to an hour before its absolute expiry; the server's clock
		// then moves past it, and its timers with it: no real time needs to pass.
		a := e.login("alice", alicePW)
		for left := absoluteTimeout; left > 10*time.Hour; left -= 10 * time.Hour {
			e.clock.Advance(10 * time.Hour)
			code, _, body := e.do(a, "GET", "/api/v1/session", nil)
			wantStatus(e.t, "keeping alice's session in use", code, 200, body)
		}
		const margin = time.Hour
		e.clock.Advance(absoluteTimeout%(10*time.Hour) - margin)
		survivors := []creds{e.login("admin", e.adminPW)}
		return []creds{a}, survivors, func() { e.clock.Advance(margin) }
	}},
}

func TestStreamsEndWithTheirCredential(t *testing.T) {
	var paths []string
	for _, rt := range streamRoutes(t) {
		path, ok := streamPaths[rt]
		if !ok {
			t.Errorf("stream route %s: add it to streamPaths, with a fake that streams until the client goes", rt)
			continue
		}
		paths = append(paths, path)
	}
	if len(paths) < len(streamPaths) {
		t.Errorf("got stream routes %q from openapi.yaml, want at least the %d of streamPaths", paths, len(streamPaths))
	}
	for _, ec := range endCases {
		t.Run(ec.name, func(t *testing.T) {
			t.Parallel()
			e := newStreamEnv(t, endlessOptions{})
			victims, survivors, end := ec.prepare(e)
			type open struct {
				what string
				s    *streamClient
			}
			var vs, ss []open
			for _, path := range paths {
				for i, c := range victims {
					vs = append(vs, open{fmt.Sprintf("%s of victim %d", path, i+1), e.open(c, path)})
				}
				for i, c := range survivors {
					ss = append(ss, open{fmt.Sprintf("%s of survivor %d", path, i+1), e.open(c, path)})
				}
			}
			for _, o := range append(slices.Clone(vs), ss...) {
				o.s.wantFlowing(t, o.what+" before "+ec.name)
			}
			end()
			deadline := time.Now().Add(streamEnd)
			for _, o := range vs {
				o.s.wantEndBy(t, deadline, o.what)
			}
			for _, o := range ss {
				o.s.wantFlowing(t, o.what+" after "+ec.name)
			}
		})
	}
}

// TestStreamToStalledClientEnds: a viewer that stops reading leaves the handler blocked in a Write,
// where it sees no context; ending the credential must close the connection all the same.
func TestStreamToStalledClientEnds(t *testing.T) {
	e := newStreamEnv(t, endlessOptions{chunk: 64 << 10, every: -1})
	alice := e.login("alice", alicePW)
	req, err := http.NewRequestWithContext(t.Context(), "GET", e.url+"/api/v1/cameras/front/live.mp4", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.AddCookie(&http.Cookie{Name: sessionCookie, Value: alice.cookie})
	resp, err := newStreamHTTPClient(t).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close() // never read: the socket buffers fill and the server's Write blocks
	// Wait until the server stops taking chunks, for 100 ms: it is blocked writing.
	var last int64 = -1
	var since time.Time
	testutil.WaitFor(t, 10*time.Second, "the live handler to block in a write", func() bool {
		if n := e.cams.nexts.Load(); n != last {
			last, since = n, time.Now()
			return false
		}
		return last > 0 && time.Since(since) >= 100*time.Millisecond
	})
	code, _, body := e.do(creds{bearer: testToken}, "DELETE", "/api/v1/users/alice", nil)
	wantStatus(t, "delete alice", code, 204, body)
	testutil.WaitFor(t, streamEnd, "the live handler to end (its feed closed)", func() bool {
		return e.cams.closed.Load() == 1
	})
}

// TestOpenStreamKeepsSessionInUse: a request in flight is use, so a live view left open does not let its
// session go idle; the idle time counts from when it ends.
func TestOpenStreamKeepsSessionInUse(t *testing.T) {
	e := newStreamEnv(t, endlessOptions{})
	alice := e.login("alice", alicePW)
	ctx, cancel := context.WithCancel(t.Context())
	req, err := http.NewRequestWithContext(ctx, "GET", e.url+"/api/v1/cameras/front/live.mp4", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.AddCookie(&http.Cookie{Name: sessionCookie, Value: alice.cookie})
	resp, err := newStreamHTTPClient(t).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	e.clock.Advance(idleTimeout + time.Hour)
	code, _, body := e.do(alice, "GET", "/api/v1/session", nil)
	wantStatus(t, "session while its stream is open", code, 200, body)
	cancel()
	testutil.WaitFor(t, 5*time.Second, "the live handler to end", func() bool { return e.cams.closed.Load() == 1 })
	e.clock.Advance(idleTimeout)
	code, _, body = e.do(alice, "GET", "/api/v1/session", nil)
	wantStatus(t, "session idle since its stream closed", code, 401, body)
}
