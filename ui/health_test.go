package ui

import (
	"errors"
	"io"
	"net/http"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/porchlight/porchlight/internal/atomicfile"
)

// switchReady is ready while its error is nil.
type switchReady struct{ err atomic.Pointer[error] }

func (s *switchReady) Ready() error {
	if p := s.err.Load(); p != nil {
		return *p
	}
	return nil
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// TestHealthAndReadiness: /healthz answers ok without a credential; /readyz follows Ready, and its
// answer names no cause.
func TestHealthAndReadiness(t *testing.T) {
	dir := t.TempDir()
	if _, err := CreateAdmin(dir, "admin"); err != nil {
		t.Fatal(err)
	}
	if err := atomicfile.WriteFile(filepath.Join(dir, TokenFile), []byte(testToken), 0o600); err != nil {
		t.Fatal(err)
	}
	ready := &switchReady{}
	base := runServer(t, &Server{Listen: "127.0.0.1:0", DataDir: dir, Cameras: &fakeCameras{}, Ready: ready})

	check := func(path string, wantCode int, wantBody string) {
		t.Helper()
		if code, body := get(t, base+path); code != wantCode || body != wantBody {
			t.Errorf("GET %s: got %d %q, want %d %q", path, code, body, wantCode, wantBody)
		}
	}
	check("/healthz", http.StatusOK, "ok\n")
	check("/readyz", http.StatusOK, "ready\n")
	down := errors.New("index: /secret/path/index.db: closed")
	ready.err.Store(&down)
	check("/readyz", http.StatusServiceUnavailable, "unavailable\n")
	check("/healthz", http.StatusOK, "ok\n")
	ready.err.Store(nil)
	check("/readyz", http.StatusOK, "ready\n")
}
