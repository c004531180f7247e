package ui

import (
	"bytes"
	"compress/gzip"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"path"
	"regexp"
	"strings"
	"testing"
)

func TestWebApp(t *testing.T) {
	h := webApp("")
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
	// The budget for a first load is 200 KB transferred: the page loads every file of the app but
	// the PNG icons (fetched only to install the app or to show a notification), gzipped for a browser.
	raw, sent := 0, 0
	err := fs.WalkDir(webFiles, "web", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(name, ".png") {
			return err
		}
		req := httptest.NewRequest("GET", strings.TrimPrefix(name, "web"), nil)
		req.Header.Set("Accept-Encoding", "gzip, deflate, br")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != 200 {
			t.Errorf("GET %s: %d", req.URL.Path, rec.Code)
		}
		sent += rec.Body.Len()
		b, _ := fs.ReadFile(webFiles, name)
		raw += len(b)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("first load: %d bytes of files, %d bytes sent gzipped", raw, sent)
	if sent > 200_000 {
		t.Errorf("first load sends %d bytes, over 200 KB", sent)
	}
	if resp, _ := get("POST", "/"); resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST /: got %d, want 405", resp.StatusCode)
	}
}

// TestWebAppURLsUseTheBasePath: no script or stylesheet of the web app writes a path on the node that
// would miss the base path (http.base_path). A path in a script ("/api/...", '/x', `/x`) must be the
// argument of url( or the path of api("METHOD", ...); a stylesheet's url() must be relative. This is what
// keeps new code working behind a reverse proxy at a sub-path (see app.js).
func TestWebAppURLsUseTheBasePath(t *testing.T) {
	literal := regexp.MustCompile("[\"'`]/[A-Za-z_.]")
	allowed := regexp.MustCompile(`(\burl\(|\bapi\(\s*"[A-Z]+",\s*|[!=]==\s*)$`)
	cssURL := regexp.MustCompile(`url\(\s*["']?/`)
	checked := 0
	err := fs.WalkDir(webFiles, "web", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(webFiles, name)
		if err != nil {
			return err
		}
		for i, line := range strings.Split(string(b), "\n") {
			trim := strings.TrimSpace(line)
			if strings.HasPrefix(trim, "//") || strings.HasPrefix(trim, "*") {
				continue // a comment
			}
			switch path.Ext(name) {
			case ".js":
				checked++
				for _, m := range literal.FindAllStringIndex(line, -1) {
					if !allowed.MatchString(line[:m[0]]) {
						t.Errorf("%s:%d: a path on the node outside url() or api(): %s", name, i+1, trim)
					}
				}
			case ".css":
				if cssURL.MatchString(line) {
					t.Errorf("%s:%d: an absolute url() in a stylesheet (use a relative one): %s", name, i+1, trim)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked == 0 {
		t.Fatal("no script checked")
	}
}

// TestRenderIndex: under a base path the page carries it in its meta tag and in front of its own
// absolute paths, and leaves other URLs alone; at the root it is the file as it is.
func TestRenderIndex(t *testing.T) {
	page := []byte(baseMeta + `<link rel="stylesheet" href="/app.css"><script src="/app.js" defer></script>` +
		`<a href="#/live">x</a><img src="//elsewhere.example/x.png"><link rel="manifest" href="/manifest.webmanifest">`)
	if got := string(renderIndex(page, "")); got != string(page) {
		t.Errorf("no base path: got %s, want the page unchanged", got)
	}
	want := `<meta name="porchlight-base" content="/nvr"><link rel="stylesheet" href="/nvr/app.css">` +
		`<script src="/nvr/app.js" defer></script><a href="#/live">x</a><img src="//elsewhere.example/x.png">` +
		`<link rel="manifest" href="/nvr/manifest.webmanifest">`
	if got := string(renderIndex(page, "/nvr")); got != want {
		t.Errorf("base /nvr:\n got %s\nwant %s", got, want)
	}
	// The shipped page has the meta tag the server fills in.
	b, err := fs.ReadFile(webFiles, "web/index.html")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), baseMeta) {
		t.Errorf("index.html lacks %s", baseMeta)
	}
}

// TestWebAppGzip: a browser that accepts gzip gets the file gzipped (Vary, ETag of its own, the same bytes
// once gunzipped); one that does not, or refuses it with q=0, gets it as it is; If-None-Match answers 304.
func TestWebAppGzip(t *testing.T) {
	h := webApp("")
	want, _ := fs.ReadFile(webFiles, "web/app.js")
	get := func(ae, inm string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("GET", "/app.js", nil)
		if ae != "" {
			req.Header.Set("Accept-Encoding", ae)
		}
		if inm != "" {
			req.Header.Set("If-None-Match", inm)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	zr := get("gzip", "")
	if zr.Header().Get("Content-Encoding") != "gzip" || zr.Header().Get("Vary") != "Accept-Encoding" {
		t.Fatalf("Accept-Encoding gzip: headers %v", zr.Header())
	}
	r, err := gzip.NewReader(zr.Body)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(r)
	if err != nil || !bytes.Equal(got, want) || zr.Body.Len() >= len(want) {
		t.Errorf("gunzipped %d bytes (%v) from %d sent, want app.js's %d", len(got), err, zr.Body.Len(), len(want))
	}
	for _, ae := range []string{"", "identity", "gzip;q=0", "br, gzip; q=0.000"} {
		if rr := get(ae, ""); rr.Header().Get("Content-Encoding") != "" || !bytes.Equal(rr.Body.Bytes(), want) {
			t.Errorf("Accept-Encoding %q: encoding %q, %d bytes; want app.js as it is", ae, rr.Header().Get("Content-Encoding"), rr.Body.Len())
		}
	}
	if plain := get("", "").Header().Get("ETag"); plain == "" || plain == zr.Header().Get("ETag") {
		t.Errorf("ETags %q (plain) and %q (gzip): want two different ones", plain, zr.Header().Get("ETag"))
	}
	if rr := get("gzip", zr.Header().Get("ETag")); rr.Code != http.StatusNotModified {
		t.Errorf("If-None-Match: got %d, want 304", rr.Code)
	}
}
