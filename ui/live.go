package ui

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"time"
)

// LiveFeed is one viewer's live stream of a camera: Next returns the next chunk to send (an fMP4 init
// segment or a part), blocking until one is ready.
type LiveFeed interface {
	Next(ctx context.Context) (net.Buffers, error)
	MIME() string // e.g. `video/mp4; codecs="avc1.64001f,mp4a.40.2"`, for MediaSource.isTypeSupported
	// Origin is the wall time of media time 0, known once the first chunk was returned.
	Origin() time.Time
	Close()
}

// serveLive streams a camera's live fMP4 over one chunked HTTP response until the viewer goes away.
// The first bytes are an init segment; parts follow as the camera produces them (a few per second), so
// a Media Source Extensions player can append them as they come.
func (s *Server) serveLive(w http.ResponseWriter, r *http.Request) {
	feed, err := s.Cameras.Live(r.PathValue("name"), r.URL.Query().Get("stream"))
	if err != nil {
		s.writeErr(w, err)
		return
	}
	defer feed.Close()
	// The first chunk comes before the headers, so that they can say where the stream's timeline starts:
	// the player measures its latency as now - (X-Live-Origin + currentTime).
	first, err := feed.Next(r.Context())
	if err != nil {
		writeError(w, http.StatusServiceUnavailable, "no live video from this camera yet")
		return
	}
	rc := http.NewResponseController(w)
	w.Header().Set("Content-Type", feed.MIME())
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("X-Live-Origin", feed.Origin().UTC().Format(time.RFC3339Nano))
	w.WriteHeader(http.StatusOK)
	for bufs := first; ; {
		if _, err := bufs.WriteTo(w); err != nil {
			return // the viewer left
		}
		if err := rc.Flush(); err != nil {
			return
		}
		if bufs, err = feed.Next(r.Context()); err != nil {
			if !errors.Is(err, io.EOF) && !errors.Is(err, context.Canceled) {
				s.Logger.Debug("live stream ended", "err", err)
			}
			return
		}
	}
}
