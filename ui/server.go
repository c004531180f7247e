package ui

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Server serves the API and /metrics.
type Server struct {
	Listen   string               // host:port; port 0 picks a free one
	Token    string               // the API bearer token
	Cameras  Cameras              // required
	Registry *prometheus.Registry // served at /metrics; nil = a registry with Go and process metrics only
	Logger   *slog.Logger
	Now      func() time.Time

	ln  net.Listener
	mux *http.ServeMux
}

// Start validates the server and binds its listener; Addr is known afterwards. Run serves.
func (s *Server) Start() error {
	if s.Cameras == nil {
		return errors.New("ui: Cameras is required")
	}
	if len(s.Token) < 16 {
		return errors.New("ui: API token missing or too short")
	}
	if s.Logger == nil {
		s.Logger = slog.New(slog.DiscardHandler)
	}
	if s.Now == nil {
		s.Now = time.Now
	}
	if s.Registry == nil {
		s.Registry = prometheus.NewRegistry()
	}
	ln, err := net.Listen("tcp", s.Listen)
	if err != nil {
		return fmt.Errorf("ui: http.listen: %w", err)
	}
	s.ln = ln
	s.mux = s.routes()
	return nil
}

// Addr is the address the server listens on.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Handler returns the server's HTTP handler (Start must have been called).
func (s *Server) Handler() http.Handler { return s.mux }

// Run serves until ctx is done, then shuts down, giving requests in flight up to 3 s.
func (s *Server) Run(ctx context.Context) error {
	srv := &http.Server{Handler: s.mux, ReadHeaderTimeout: 10 * time.Second,
		ErrorLog: slog.NewLogLogger(s.Logger.Handler(), slog.LevelWarn)}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(s.ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		_ = srv.Close()
	}
	<-errc
	return nil
}

// route is one registered route; the table is also checked against openapi.yaml by a test.
type route struct {
	method, path string
	auth         bool
	h            http.HandlerFunc
}

func (s *Server) routeTable() []route {
	return []route{
		{"GET", "/api/v1/cameras", true, s.listCameras},
		{"GET", "/api/v1/cameras/{name}/recordings", true, s.listRecordings},
		{"GET", "/api/v1/cameras/{name}/export.mp4", true, s.exportMP4},
		{"GET", "/api/v1/openapi.yaml", true, s.serveOpenAPI},
		{"GET", "/metrics", false, promhttp.HandlerFor(s.Registry, promhttp.HandlerOpts{}).ServeHTTP},
	}
}

func (s *Server) routes() *http.ServeMux {
	mux := http.NewServeMux()
	for _, rt := range s.routeTable() {
		h := rt.h
		if rt.auth {
			h = s.requireAuth(h)
		}
		mux.HandleFunc(rt.method+" "+rt.path, h)
	}
	mux.HandleFunc("/api/", s.requireAuth(func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "no such API route")
	}))
	return mux
}

// requireAuth admits requests bearing the API token.
func (s *Server) requireAuth(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || subtle.ConstantTimeCompare([]byte(tok), []byte(s.Token)) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="porchlight"`)
			writeError(w, http.StatusUnauthorized, "authentication required")
			return
		}
		h(w, r)
	}
}
