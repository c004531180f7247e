package ui

import (
	"embed"
	"io/fs"
	"net/http"
	"strings"
)

// webFiles is the web app: our own HTML, CSS and JavaScript, no third-party code, no build step.
//
//go:embed web
var webFiles embed.FS

// contentSecurityPolicy lets the page load only its own files and play the blob: URLs that Media Source
// Extensions makes; nothing from outside the node.
const contentSecurityPolicy = "default-src 'self'; media-src 'self' blob:; img-src 'self' data:; " +
	"frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

// webApp serves the embedded web app at /. The files hold no data, so they need no login; everything
// they show comes from the authenticated API.
func webApp() http.Handler {
	sub, err := fs.Sub(webFiles, "web")
	if err != nil {
		panic(err) // the embedded tree is fixed at build time
	}
	files := http.FileServerFS(sub)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cache-Control", "no-cache") // revalidate, so an upgrade is picked up at once
		if name := strings.TrimPrefix(r.URL.Path, "/"); name != "" {
			if _, err := fs.Stat(sub, name); err != nil {
				r.URL.Path = "/" // the app routes with #fragments; any other path gets the page
			}
		}
		if strings.HasSuffix(r.URL.Path, ".webmanifest") {
			h.Set("Content-Type", "application/manifest+json") // not in Go's built-in types
		}
		files.ServeHTTP(w, r)
	})
}
