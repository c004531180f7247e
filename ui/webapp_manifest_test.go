package ui

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image/png"
	"io"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// TestManifestAndServiceWorker: the web app manifest is served as application/manifest+json and makes the
// app installable (name, start_url and scope inside the app, display standalone, PNG icons of 192 and
// 512 px that are what they say); the service worker is served as JavaScript from the root, so its scope
// covers the whole app.
func TestManifestAndServiceWorker(t *testing.T) {
	h := webApp("")
	get := func(path string) (string, []byte) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		b, _ := io.ReadAll(rec.Result().Body)
		if rec.Code != 200 {
			t.Fatalf("GET %s: %d", path, rec.Code)
		}
		return rec.Result().Header.Get("Content-Type"), b
	}
	ctype, b := get("/manifest.webmanifest")
	if ctype != "application/manifest+json" {
		t.Errorf("manifest Content-Type %q, want application/manifest+json", ctype)
	}
	var m struct {
		Icons []struct{ Src, Sizes, Type string }
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("manifest is not JSON: %v", err)
	}
	var raw map[string]string
	_ = json.Unmarshal(b, &raw)
	// Its URLs are relative to it, so they hold behind a reverse proxy at a sub-path (http.base_path) too.
	for _, base := range []string{"", "/nvr"} {
		at, _ := url.Parse(base + "/manifest.webmanifest")
		start, _ := at.Parse(raw["start_url"])
		scope, _ := at.Parse(raw["scope"])
		if raw["name"] != "Porchlight" || start.String() != base+"/#/live" || scope.String() != base+"/" || raw["display"] != "standalone" {
			t.Errorf("manifest at %s: start_url %s, scope %s; manifest %s", at, start, scope, b)
		}
	}
	sizes := map[string]bool{}
	for _, ic := range m.Icons {
		src, _ := url.Parse("/manifest.webmanifest")
		src, _ = src.Parse(ic.Src)
		ctype, img := get(src.Path)
		if ctype != ic.Type {
			t.Errorf("icon %s served as %q, manifest says %q", ic.Src, ctype, ic.Type)
		}
		if ic.Type != "image/png" {
			continue
		}
		cfg, err := png.DecodeConfig(bytes.NewReader(img))
		if err != nil || ic.Sizes != fmt.Sprintf("%dx%d", cfg.Width, cfg.Height) {
			t.Errorf("icon %s: %v, %dx%d, manifest says %s", ic.Src, err, cfg.Width, cfg.Height, ic.Sizes)
		}
		sizes[ic.Sizes] = true
	}
	if !sizes["192x192"] || !sizes["512x512"] {
		t.Errorf("PNG icons %v, want 192x192 and 512x512", sizes)
	}
	ctype, sw := get("/sw.js")
	if !strings.Contains(ctype, "javascript") || !bytes.Contains(sw, []byte(`addEventListener("push"`)) ||
		!bytes.Contains(sw, []byte(`addEventListener("notificationclick"`)) {
		t.Errorf("sw.js: %q, want JavaScript handling push and notificationclick", ctype)
	}
	if _, page := get("/"); !bytes.Contains(page, []byte(`<link rel="manifest" href="/manifest.webmanifest">`)) {
		t.Error("the page does not link the manifest")
	}
}
