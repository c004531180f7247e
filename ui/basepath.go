package ui

import (
	"errors"
	"net/http"
	"regexp"
	"strings"
)

// The base path (Server.BasePath, config http.base_path) puts everything the server serves under a
// sub-path, for a reverse proxy that serves the node at https://host/nvr/ among other sites. The proxy
// passes the path through unchanged (/nvr/api/v1/cameras reaches the node as such): the node then knows
// the URLs its clients see, and builds links, cookie paths and redirects without headers from the proxy;
// the same URLs work directly against the node.
//
// One mechanism serves every route: withBasePath strips the prefix before the route table sees the
// request, so routes are registered and tested without it. What the server hands out carries it:
// s.path for URLs in responses (event snapshots, Link headers), cookiePath for cookies. The web app
// gets it from index.html (webapp.go): the server writes it into the page's porchlight-base meta tag and
// in front of every href="/…", src="/…" and action="/…" of the page; app.js's url(path) and api(...)
// prefix it to the paths the scripts build (see app.js and the package doc).

// basePathRE is what a base path may be: segments of URL-safe characters that need no escaping in a URL,
// HTML or JavaScript string.
var basePathRE = regexp.MustCompile(`^(/[A-Za-z0-9._~-]+)+$`)

// validBasePath checks a base path: "" (none) or /segment[/segment...], no trailing slash, no "." or
// ".." segment.
func validBasePath(p string) error {
	if p == "" {
		return nil
	}
	if !strings.HasPrefix(p, "/") {
		return errors.New("must start with /")
	}
	if strings.HasSuffix(p, "/") {
		return errors.New("must not end with / (write /nvr, not /nvr/)")
	}
	for _, seg := range strings.Split(p[1:], "/") {
		if seg == "." || seg == ".." {
			return errors.New("must not contain . or .. segments")
		}
	}
	if !basePathRE.MatchString(p) {
		return errors.New("must be /segment[/segment...] of letters, digits and . _ ~ - (such as /nvr)")
	}
	return nil
}

// ValidateBasePath checks a configured base path: "", "/" (both none), or /segment[/segment...]; the
// error does not name the key, the caller does.
func ValidateBasePath(p string) error {
	if p == "/" {
		return nil
	}
	return validBasePath(p)
}

// withBasePath serves h under s.BasePath: a request for BASE/x reaches h as /x. BASE itself, and / when
// the node is reached directly, redirect to BASE/; anything else outside BASE/ is 404, so that nothing is
// served at two addresses.
func (s *Server) withBasePath(h http.Handler) http.Handler {
	base := s.BasePath
	if base == "" {
		return h
	}
	strip := http.StripPrefix(base, h)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch p := r.URL.Path; {
		case strings.HasPrefix(p, base+"/"):
			strip.ServeHTTP(w, r)
		case p == base || p == "/":
			target := base + "/"
			if r.URL.RawQuery != "" {
				target += "?" + r.URL.RawQuery
			}
			http.Redirect(w, r, target, http.StatusMovedPermanently)
		default:
			writeError(w, http.StatusNotFound, "not found: this node serves under "+base+"/")
		}
	})
}

// path returns the URL path clients use for a route's path p ("/api/v1/..."): p under the base path.
func (s *Server) path(p string) string { return s.BasePath + p }

// cookiePath is the Path of the server's cookies: the base path, so that other sites behind the same
// proxy never see them.
func (s *Server) cookiePath() string {
	if s.BasePath == "" {
		return "/"
	}
	return s.BasePath
}
