package ui

import (
	"context"
	"net"
	"net/http"
	"strconv"
	"time"
)

// LiveHLS serves the cameras' live streams as LL-HLS (nvr passes the recorder's HLS packager).
type LiveHLS interface {
	// Playlist returns the media playlist of a camera stream; msn >= 0 makes it a blocking request for
	// that segment (and that part of it when part >= 0), and origin is the wall time of media time 0.
	// Errors wrap ErrNotFound (unknown camera or stream), ErrBadRequest (msn too far ahead) or
	// ErrUnavailable (no video in time).
	Playlist(ctx context.Context, camera, stream string, msn, part int64) (body []byte, origin time.Time, err error)
	// File returns a resource the playlist names (init segment, part, segment) and its content type.
	File(ctx context.Context, camera, stream, name string) (contentType string, body net.Buffers, err error)
}

// hlsRequest checks that this node serves HLS and reads the request's query; on failure it has answered.
func (s *Server) hlsRequest(w http.ResponseWriter, r *http.Request) (hlsQuery, bool) {
	if s.HLS == nil {
		writeError(w, http.StatusServiceUnavailable, "HLS is not served by this node")
		return hlsQuery{}, false
	}
	q, err := parseHLSQuery(r.URL.RawQuery)
	if err != nil {
		s.writeErr(w, err)
		return hlsQuery{}, false
	}
	return q, true
}

// serveHLSPlaylist answers GET /api/v1/cameras/{name}/hls/index.m3u8[?stream=sub][&_HLS_msn=N[&_HLS_part=M]].
// The playlist's URIs are relative (so that the app works under a reverse proxy's sub-path) and carry
// the stream query themselves, since a relative URI drops the playlist's query.
func (s *Server) serveHLSPlaylist(w http.ResponseWriter, r *http.Request) {
	q, ok := s.hlsRequest(w, r)
	if !ok {
		return
	}
	b, origin, err := s.HLS.Playlist(r.Context(), r.PathValue("name"), q.stream, q.msn, q.part)
	if err != nil {
		s.writeErr(w, err)
		return
	}
	// As on live.mp4: the web app measures its latency as now - (X-Live-Origin + currentTime).
	w.Header().Set("X-Live-Origin", origin.UTC().Format(time.RFC3339Nano))
	writeHLS(w, "application/vnd.apple.mpegurl", net.Buffers{b})
}

// serveHLSFile answers GET /api/v1/cameras/{name}/hls/{file}: an init segment, part or segment.
func (s *Server) serveHLSFile(w http.ResponseWriter, r *http.Request) {
	q, ok := s.hlsRequest(w, r)
	if !ok {
		return
	}
	typ, body, err := s.HLS.File(r.Context(), r.PathValue("name"), q.stream, r.PathValue("file"))
	if err != nil {
		s.writeErr(w, err)
		return
	}
	writeHLS(w, typ, body)
}

func writeHLS(w http.ResponseWriter, typ string, body net.Buffers) {
	n := 0
	for _, b := range body {
		n += len(b)
	}
	h := w.Header()
	h.Set("Content-Type", typ)
	h.Set("Content-Length", strconv.Itoa(n))
	// Playlists change with every part; resources never change, but are the camera's footage: no shared
	// cache may keep them.
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	_, _ = body.WriteTo(w)
}
