package ui

import (
	"encoding/json"
	"io"
	"net/http"
	"time"
)

// serveSSE sends each value of ch as a Server-Sent Event ("event: <name>", "data: <JSON>") until the
// client goes away, the request's credential ends (r.Context()) or ch is closed; a comment line every
// keepalive keeps proxies from closing an idle stream. The caller subscribes before calling it, so a
// client that has the headers misses nothing published later.
func serveSSE[T any](s *Server, w http.ResponseWriter, r *http.Request, ch <-chan T, name string, keepalive time.Duration) {
	rc := http.NewResponseController(w)
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no") // nginx would otherwise hold events back
	w.WriteHeader(http.StatusOK)
	if _, err := io.WriteString(w, ": subscribed\n\n"); err != nil || rc.Flush() != nil {
		return
	}
	if keepalive <= 0 {
		keepalive = alertKeepalive
	}
	tick := time.NewTicker(keepalive)
	defer tick.Stop()
	for {
		var msg string
		select {
		case <-r.Context().Done():
			return
		case v, ok := <-ch:
			if !ok {
				return
			}
			b, err := json.Marshal(v) // one line: JSON escapes newlines inside strings
			if err != nil {
				s.Logger.Warn("event stream", "stream", name, "err", err)
				continue
			}
			msg = "event: " + name + "\ndata: " + string(b) + "\n\n"
		case <-tick.C:
			msg = ": keepalive\n\n"
		}
		if _, err := io.WriteString(w, msg); err != nil || rc.Flush() != nil {
			return // the client left
		}
	}
}
