package ui

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
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

const alicePW = "alices-password-1"

// streamEnv is an authEnv with a second admin, alice, whose server streams forever on every stream route.
type streamEnv struct {
	*authEnv
	cams *endlessCameras
}

// endlessOptions shape the fake streams: chunk bytes every interval (0: 1 KiB every 5 ms; every < 0:
// no pause).
type endlessOptions struct {
	chunk int
	every time.Duration
}

func newStreamEnv(t *testing.T, o endlessOptions) *streamEnv {
	t.Helper()
	if o.chunk == 0 {
		o.chunk = 1 << 10
	}
	if o.every == 0 {
		o.every = 5 * time.Millisecond
	}
	e := newAuthEnv(t)
	if _, err := addUser(e.dir, "alice", UserAdmin, alicePW, time.Now()); err != nil {
		t.Fatal(err)
	}
	cams := &endlessCameras{o: o}
	s := &Server{Listen: "127.0.0.1:0", DataDir: e.dir, Cameras: cams, Now: e.clock.Now, afterFunc: e.clock.AfterFunc,
		Hoods: endlessHoods{newFakeHoods(), o}, Requests: endlessRequests{o: o}, alertKeepalive: o.every}
	e.url = runServer(t, s)
	return &streamEnv{authEnv: e, cams: cams}
}

// streamClient reads one open stream in the background.
type streamClient struct {
	n    atomic.Int64 // bytes read
	done chan struct{}
	err  error // why reading stopped, once done is closed
}

// open starts reading path as c; it fails the test unless the answer is 200.
func (e *streamEnv) open(c creds, path string) *streamClient {
	e.t.Helper()
	req, err := http.NewRequestWithContext(e.t.Context(), "GET", e.url+path, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	if c.bearer != "" {
		req.Header.Set("Authorization", "Bearer "+c.bearer)
	}
	if c.cookie != "" {
		req.AddCookie(&http.Cookie{Name: sessionCookie, Value: c.cookie})
	}
	resp, err := newStreamHTTPClient(e.t).Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	if resp.StatusCode != 200 {
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		e.t.Fatalf("GET %s: got status %d, want 200 (%s)", path, resp.StatusCode, b)
	}
	s := &streamClient{done: make(chan struct{})}
	go func() {
		defer close(s.done)
		defer resp.Body.Close()
		buf := make([]byte, 32<<10)
		for {
			n, err := resp.Body.Read(buf)
			s.n.Add(int64(n))
			if err != nil {
				s.err = err
				return
			}
		}
	}()
	e.t.Cleanup(func() { resp.Body.Close(); <-s.done })
	return s
}

// wantFlowing fails the test unless more bytes arrive within 2 s and the stream is still open.
func (s *streamClient) wantFlowing(t *testing.T, what string) {
	t.Helper()
	n := s.n.Load()
	deadline := time.Now().Add(2 * time.Second)
	for s.n.Load() == n {
		select {
		case <-s.done:
			t.Fatalf("%s: the stream ended (%v), want it flowing", what, s.err)
		case <-time.After(5 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: no bytes for 2 s, want the stream flowing", what)
		}
	}
}

// wantEndBy fails the test unless the stream has ended by deadline, streamEnd after its credential.
func (s *streamClient) wantEndBy(t *testing.T, deadline time.Time, what string) {
	t.Helper()
	select {
	case <-s.done:
	case <-time.After(time.Until(deadline)):
		t.Errorf("%s: the stream still flows %s after its credential ended (%d bytes read), want it ended",
			what, streamEnd, s.n.Load())
	}
}

// newStreamHTTPClient is a client with connections of its own, closed when the test ends.
func newStreamHTTPClient(t *testing.T) *http.Client {
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr}
}

// endlessCameras serves a live feed and exports that never end.
type endlessCameras struct {
	o      endlessOptions
	nexts  atomic.Int64 // chunks handed out by live feeds
	closed atomic.Int64 // live feeds closed
}

func (c *endlessCameras) Cameras() []Camera { return []Camera{{Name: "front", Stream: "main"}} }
func (c *endlessCameras) Recordings(camera, stream string, start, end time.Time) ([]Span, error) {
	return nil, nil
}
func (c *endlessCameras) Export(camera, stream string, start, end time.Time) (Clip, error) {
	return &endlessClip{o: c.o}, nil
}
func (c *endlessCameras) Live(camera, stream string) (LiveFeed, error) {
	return &endlessFeed{c: c}, nil
}

type endlessFeed struct {
	c    *endlessCameras
	once sync.Once
}

func (f *endlessFeed) Next(ctx context.Context) (net.Buffers, error) {
	if f.c.o.every > 0 {
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(f.c.o.every):
		}
	} else if err := ctx.Err(); err != nil {
		return nil, err
	}
	f.c.nexts.Add(1)
	return net.Buffers{make([]byte, f.c.o.chunk)}, nil
}
func (f *endlessFeed) MIME() string      { return `video/mp4; codecs="avc1.42c01e"` }
func (f *endlessFeed) Origin() time.Time { return time.Unix(1_800_000_000, 0) }
func (f *endlessFeed) Close()            { f.once.Do(func() { f.c.closed.Add(1) }) }

// endlessClip is a 1 TiB clip that reads slowly.
type endlessClip struct {
	o   endlessOptions
	off int64
}

func (c *endlessClip) Read(p []byte) (int, error) {
	if c.o.every > 0 {
		time.Sleep(c.o.every)
	}
	n := min(len(p), c.o.chunk)
	clear(p[:n])
	c.off += int64(n)
	return n, nil
}
func (c *endlessClip) Seek(off int64, whence int) (int64, error) {
	switch whence {
	case io.SeekStart:
		c.off = off
	case io.SeekCurrent:
		c.off += off
	case io.SeekEnd:
		c.off = c.Size() + off
	}
	return c.off, nil
}
func (c *endlessClip) Close() error       { return nil }
func (c *endlessClip) Size() int64        { return 1 << 40 }
func (c *endlessClip) ETag() string       { return `"endless"` }
func (c *endlessClip) ModTime() time.Time { return time.Unix(1_700_000_000, 0) }

// endlessHoods is fakeHoods whose alert clips never end.
type endlessHoods struct {
	*fakeHoods
	o endlessOptions
}

func (h endlessHoods) FetchClip(ctx context.Context, alertID string) (io.ReadCloser, int64, error) {
	return io.NopCloser(&endlessClip{o: h.o}), -1, nil
}

// endlessRequests serves submission clips that never end; its other methods are not called.
type endlessRequests struct {
	requestsAPI // nil: panics if called
	o           endlessOptions
}

// requestsAPI names Requests for embedding: a field called Requests would hide its method Requests.
type requestsAPI = Requests

func (q endlessRequests) OpenSubmission(id string, w io.Writer) (int64, error) {
	var n int64
	buf := make([]byte, q.o.chunk)
	for {
		if q.o.every > 0 {
			time.Sleep(q.o.every)
		}
		m, err := w.Write(buf)
		n += int64(m)
		if err != nil {
			return n, err
		}
	}
}
