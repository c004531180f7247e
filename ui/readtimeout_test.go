package ui

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestSlowBodyIsCut: a request whose body does not arrive within the bound gets its answer and its
// connection closed, whether or not the handler reads the body (the server reads what is left of it
// before answering).
func TestSlowBodyIsCut(t *testing.T) {
	e := newAuthEnv(t)
	const bound = 200 * time.Millisecond
	s := &Server{Listen: "127.0.0.1:0", DataDir: e.dir, Cameras: &fakeCameras{}, readTimeout: bound}
	addr := strings.TrimPrefix(runServer(t, s), "http://")
	for _, tt := range []struct {
		path string
		want int
	}{
		{"/api/v1/login", http.StatusRequestTimeout}, // reads the body
		{"/api/v1/logout", http.StatusUnauthorized},  // never reads it
	} {
		t.Run(tt.path, func(t *testing.T) {
			c, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if _, err := io.WriteString(c, "POST "+tt.path+" HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"+
				"Content-Length: 1000\r\n\r\n{\"user\":"); err != nil {
				t.Fatal(err)
			}
			// The test's own limit, far beyond the server's: without the bound the server waits forever.
			_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
			br := bufio.NewReader(c)
			resp, err := http.ReadResponse(br, nil)
			if err != nil {
				t.Fatalf("no answer to a request whose body stalls: %v", err)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.want {
				t.Errorf("got status %d, want %d", resp.StatusCode, tt.want)
			}
			if _, err := br.ReadByte(); err != io.EOF {
				t.Errorf("after the answer: got %v, want the connection closed (EOF)", err)
			}
		})
	}
}

// TestStreamOutlivesTheReadTimeout: the read timeout does not end a long response, to a request with a
// body (which its handler does not read) or without.
func TestStreamOutlivesTheReadTimeout(t *testing.T) {
	e := newAuthEnv(t)
	const bound = 100 * time.Millisecond
	s := &Server{Listen: "127.0.0.1:0", DataDir: e.dir, Cameras: &fakeCameras{}, Hoods: newFakeHoods(),
		alertKeepalive: bound / 5, readTimeout: bound}
	url := runServer(t, s)
	for _, body := range []string{"", "{}"} {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, "GET", url+"/api/v1/alerts/stream", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+testToken)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		c := &sseClient{resp: resp, rd: bufio.NewReader(resp.Body)}
		for start := time.Now(); time.Since(start) < 5*bound; {
			c.next(t) // fails the test if the stream ends
		}
	}
}

// slowProbeAdmin's probe takes a while and fails if its request's context ends first.
type slowProbeAdmin struct {
	fakeCameraAdmin
	d time.Duration
}

func (f *slowProbeAdmin) Probe(ctx context.Context, u, transport string) (*ProbeResult, error) {
	t := time.NewTimer(f.d)
	defer t.Stop()
	select {
	case <-t.C:
		return &ProbeResult{VideoCodec: "H264"}, nil
	case <-ctx.Done():
		return nil, fmt.Errorf("probe: request context ended: %w", ctx.Err())
	}
}

// TestReadTimeoutEndsWithTheBody: once the body is in, the read timeout no longer applies; a handler that
// runs longer keeps its request context, and the connection serves the next request.
func TestReadTimeoutEndsWithTheBody(t *testing.T) {
	e := newAuthEnv(t)
	const bound = 100 * time.Millisecond
	s := &Server{Listen: "127.0.0.1:0", DataDir: e.dir, Cameras: &fakeCameras{}, readTimeout: bound,
		CameraAdmin: &slowProbeAdmin{d: 5 * bound}}
	e.url = runServer(t, s)
	for i := range 2 {
		code, _, body := e.do(creds{bearer: testToken}, "POST", "/api/v1/cameras/probe",
			probeRequest{URL: "rtsp://10.0.0.6/s"})
		wantStatus(t, fmt.Sprintf("probe %d", i), code, http.StatusOK, body)
	}
}
