package ui

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"
)

// webAsset is one file of the web app, as sent: its bytes, and gzipped when that saves a tenth or more.
type webAsset struct {
	ctype   string
	raw, gz []byte // gz nil: not worth it (PNG)
	etag    string // of raw; the gzipped body's is etag with "-gz"
}

// webAssets reads the embedded web app once: index.html rendered for base, every file with its type and
// gzipped copy. The tree is fixed at build time, so a failure here is a bug.
func webAssets(base string) map[string]*webAsset {
	sub, err := fs.Sub(webFiles, "web")
	if err != nil {
		panic(err)
	}
	out := map[string]*webAsset{}
	err = fs.WalkDir(sub, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(sub, name)
		if err != nil {
			return err
		}
		if name == "index.html" {
			b = renderIndex(b, base)
		}
		out[name] = newWebAsset(name, b)
		return nil
	})
	if err != nil {
		panic(err)
	}
	return out
}

func newWebAsset(name string, b []byte) *webAsset {
	ctype := mime.TypeByExtension(path.Ext(name))
	switch {
	case strings.HasSuffix(name, ".webmanifest"):
		ctype = "application/manifest+json" // not in Go's built-in types
	case ctype == "":
		ctype = http.DetectContentType(b)
	}
	sum := sha256.Sum256(b)
	a := &webAsset{ctype: ctype, raw: b, etag: `"` + hex.EncodeToString(sum[:8]) + `"`}
	var z bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&z, gzip.BestCompression) // the level is valid
	_, _ = zw.Write(b)                                     // a bytes.Buffer does not fail
	_ = zw.Close()
	if z.Len() < len(b)*9/10 {
		a.gz = z.Bytes()
	}
	return a
}

// serve sends the asset, gzipped when the client accepts it; conditional and range requests as
// http.ServeContent does them.
func (a *webAsset) serve(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", a.ctype)
	body, etag := a.raw, a.etag
	if a.gz != nil {
		h.Add("Vary", "Accept-Encoding")
		if acceptsGzip(r.Header.Get("Accept-Encoding")) {
			body, etag = a.gz, strings.TrimSuffix(a.etag, `"`)+`-gz"`
			h.Set("Content-Encoding", "gzip")
		}
	}
	h.Set("ETag", etag)
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
}

// acceptsGzip reports whether an Accept-Encoding header allows gzip: named, or *, with a q above 0.
func acceptsGzip(header string) bool {
	for part := range strings.SplitSeq(header, ",") {
		name, params, _ := strings.Cut(part, ";")
		if name = strings.ToLower(strings.TrimSpace(name)); name != "gzip" && name != "*" {
			continue
		}
		for p := range strings.SplitSeq(params, ";") {
			if v, ok := strings.CutPrefix(strings.ToLower(strings.TrimSpace(p)), "q="); ok {
				q, err := strconv.ParseFloat(v, 64)
				return err == nil && q > 0
			}
		}
		return true
	}
	return false
}
