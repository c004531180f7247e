package ui

import (
	"io"
	"net/http"
	"sync/atomic"
	"testing"
	"time"
)

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
		Hoods: endlessHoods{newFakeHoods(), o}, Requests: endlessRequests{o: o}, Events: &endlessEvents{o: o},
		alertKeepalive: o.every}
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
