package ui

import (
	"bytes"
	"embed"
	"net/http"
	"regexp"
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

// baseMeta is the tag of index.html that tells app.js the base path (url(), api()).
const baseMeta = `<meta name="porchlight-base" content="">`

// rootURLRE matches the attributes of index.html that hold an absolute path on this node, which the base
// path goes in front of (not "//host" URLs, which leave the node).
var rootURLRE = regexp.MustCompile(`\b(href|src|action)="/([^/"])`)

// renderIndex returns index.html for base: the base path in its porchlight-base meta tag and in front of
// every href="/…", src="/…" and action="/…". Markup added to the page gets the base path by itself.
func renderIndex(page []byte, base string) []byte {
	if base == "" {
		return page // the meta tag's content is already ""
	}
	page = bytes.Replace(page, []byte(baseMeta), []byte(strings.Replace(baseMeta, `content=""`, `content="`+base+`"`, 1)), 1)
	return rootURLRE.ReplaceAll(page, []byte(`$1="`+base+`/$2`))
}

// webApp serves the embedded web app at / (under base: index.html carries base, see renderIndex). The
// files hold no data, so they need no login; everything they show comes from the authenticated API. Each
// file is also kept gzipped (webAssets) and sent so to a browser that accepts it.
func webApp(base string) http.Handler {
	assets := webAssets(base)
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
		h.Set("Cache-Control", "no-cache") // revalidate (ETag), so an upgrade is picked up at once
		a, ok := assets[strings.TrimPrefix(r.URL.Path, "/")]
		if !ok {
			a = assets["index.html"] // the app routes with #fragments: the page, whatever the path
		}
		a.serve(w, r)
	})
}
