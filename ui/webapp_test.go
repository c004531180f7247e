package ui

import (
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestWebApp(t *testing.T) {
	h := webApp()
	get := func(method, path string) (*http.Response, string) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(method, path, nil))
		b, _ := io.ReadAll(rec.Result().Body)
		return rec.Result(), string(b)
	}
	total := 0
	for _, tt := range []struct{ path, ctype, contains string }{
		{"/", "text/html", `<script src="/app.js"`},
		{"/app.js", "javascript", "new LivePlayer("},
		{"/live-player.js", "javascript", "class LivePlayer"},
		{"/app.css", "text/css", ".grid"},
		{"/some/view", "text/html", "<title>Porchlight</title>"},
	} {
		resp, body := get("GET", tt.path)
		if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Type"), tt.ctype) || !strings.Contains(body, tt.contains) {
			t.Errorf("GET %s: status %d, type %q, want %s containing %q", tt.path, resp.StatusCode,
				resp.Header.Get("Content-Type"), tt.ctype, tt.contains)
		}
		if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
			t.Errorf("GET %s: CSP %q", tt.path, csp)
		}
		if tt.path != "/some/view" {
			total += len(body)
		}
	}
	// The budget for a first load is 200 KB transferred: the page loads every file of the app, and
	// together they stay under it even uncompressed.
	total = 0
	err := fs.WalkDir(webFiles, "web", func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := fs.ReadFile(webFiles, path)
			total += len(b)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if total > 200_000 {
		t.Errorf("first load is %d bytes, over 200 KB", total)
	}
	if resp, _ := get("POST", "/"); resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST /: got %d, want 405", resp.StatusCode)
	}
}
