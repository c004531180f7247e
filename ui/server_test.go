package ui

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/porchlight/porchlight/internal/atomicfile"
)

const testToken = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

type fakeCameras struct {
	spans []Span
	body  []byte
}

type byteClip struct{ *bytes.Reader }

// fakeFeed is a live stream of two chunks.
type fakeFeed struct{ chunks []net.Buffers }

func (f *fakeFeed) Next(ctx context.Context) (net.Buffers, error) {
	if len(f.chunks) == 0 {
		return nil, io.EOF
	}
	c := f.chunks[0]
	f.chunks = f.chunks[1:]
	return c, nil
}
func (f *fakeFeed) MIME() string { return `video/mp4; codecs="avc1.42c01e"` }
func (f *fakeFeed) Close()       {}
func (f *fakeFeed) Origin() time.Time {
	return time.Unix(1_800_000_000, 0)
}

func (f *fakeCameras) Live(camera, stream string) (LiveFeed, error) {
	if camera != "front" {
		return nil, ErrNotFound
	}
	return &fakeFeed{chunks: []net.Buffers{{[]byte("init")}, {[]byte("moof"), []byte("data")}}}, nil
}

func (byteClip) Close() error       { return nil }
func (c byteClip) Size() int64      { return c.Reader.Size() }
func (byteClip) ETag() string       { return `"abc"` }
func (byteClip) ModTime() time.Time { return time.Unix(1700000000, 0) }
func (f *fakeCameras) Cameras() []Camera {
	return []Camera{{Name: "front", Stream: "main", State: "recording"}}
}
func (f *fakeCameras) Recordings(camera, stream string, start, end time.Time) ([]Span, error) {
	if camera != "front" {
		return nil, ErrNotFound
	}
	return f.spans, nil
}
func (f *fakeCameras) Export(camera, stream string, start, end time.Time) (Clip, error) {
	if camera != "front" {
		return nil, ErrNotFound
	}
	return byteClip{bytes.NewReader(f.body)}, nil
}

func startTestServer(t *testing.T) *httptest.Server {
	t.Helper()
	dir := t.TempDir()
	if _, err := CreateAdmin(dir, "admin"); err != nil {
		t.Fatal(err)
	}
	if err := atomicfile.WriteFile(filepath.Join(dir, TokenFile), []byte(testToken), 0o600); err != nil {
		t.Fatal(err)
	}
	s := &Server{Listen: "127.0.0.1:0", DataDir: dir, Cameras: &fakeCameras{body: []byte("0123456789")}}
	return &httptest.Server{URL: runServer(t, s)}
}

func TestAPIStatusCodes(t *testing.T) {
	srv := startTestServer(t)
	tests := []struct {
		name, path, token, rng string
		want                   int
		wantBody               string
	}{
		{"anonymous cameras", "/api/v1/cameras", "", "", 401, ""},
		{"wrong token", "/api/v1/cameras", "nope", "", 401, ""},
		{"anonymous unknown route", "/api/v1/nothing", "", "", 401, ""},
		{"cameras", "/api/v1/cameras", testToken, "", 200, ""},
		{"unknown route", "/api/v1/nothing", testToken, "", 404, ""},
		{"recordings default range", "/api/v1/cameras/front/recordings", testToken, "", 200, "[]\n"},
		{"recordings unknown camera", "/api/v1/cameras/back/recordings", testToken, "", 404, ""},
		{"recordings bad start", "/api/v1/cameras/front/recordings?start=yesterday", testToken, "", 400, ""},
		{"export without start", "/api/v1/cameras/front/export.mp4", testToken, "", 400, ""},
		{"export reversed", "/api/v1/cameras/front/export.mp4?start=2026-01-02T00:00:00Z&end=2026-01-01T00:00:00Z", testToken, "", 400, ""},
		{"export", "/api/v1/cameras/front/export.mp4?start=2026-01-01T00:00:00Z", testToken, "", 200, "0123456789"},
		{"export range", "/api/v1/cameras/front/export.mp4?start=2026-01-01T00:00:00Z", testToken, "bytes=2-4", 206, "234"},
		{"live", "/api/v1/cameras/front/live.mp4", testToken, "", 200, "initmoofdata"},
		{"live unknown camera", "/api/v1/cameras/back/live.mp4", testToken, "", 404, ""},
		{"metrics without token", "/metrics", "", "", 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest("GET", srv.URL+tt.path, nil)
			if tt.token != "" {
				req.Header.Set("Authorization", "Bearer "+tt.token)
			}
			if tt.rng != "" {
				req.Header.Set("Range", tt.rng)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.want {
				t.Fatalf("got status %d, want %d (%s)", resp.StatusCode, tt.want, body)
			}
			if tt.wantBody != "" && string(body) != tt.wantBody {
				t.Fatalf("got body %q, want %q", body, tt.wantBody)
			}
		})
	}
}

func TestExportConditional(t *testing.T) {
	srv := startTestServer(t)
	req, _ := http.NewRequest("GET", srv.URL+"/api/v1/cameras/front/export.mp4?start=2026-01-01T00:00:00Z", nil)
	req.Header.Set("Authorization", "Bearer "+testToken)
	req.Header.Set("If-None-Match", `"abc"`)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotModified {
		t.Fatalf("got status %d, want 304", resp.StatusCode)
	}
}

// runServer starts s and runs it until the test ends; it returns the server's base URL.
func runServer(t testing.TB, s *Server) string {
	t.Helper()
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	return "http://" + s.Addr()
}
