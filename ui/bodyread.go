package ui

import (
	"io"
	"net/http"
	"time"
)

// defaultBodyTimeout bounds how long a request body may take to arrive. Bodies here are small JSON
// documents (at most maxJSONBody), so a client that needs longer is stalling on purpose.
const defaultBodyTimeout = 10 * time.Second

// boundBodyRead gives every request that has a body a read deadline of d, lifted as soon as the body has
// been read to its end. It covers handlers that never read the body too: after them the server reads the
// rest of the body before answering, and without a deadline a client that never sends it holds the
// connection forever.
//
// http.Server.ReadTimeout would do the same for the headers and body but would stay set afterwards, and
// its expiry would end the request context of a live stream or an export; the deadline here is cleared
// at the end of the body, so long responses (which are writes) are unaffected.
func boundBodyRead(d time.Duration, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body != nil && r.Body != http.NoBody {
			rc := http.NewResponseController(w)
			if rc.SetReadDeadline(time.Now().Add(d)) == nil {
				r.Body = &deadlineBody{ReadCloser: r.Body, rc: rc}
			}
		}
		h.ServeHTTP(w, r)
	})
}

// deadlineBody clears the connection's read deadline when the body ends, so that the server's wait for
// the client closing (which cancels the request context) has none.
type deadlineBody struct {
	io.ReadCloser
	rc   *http.ResponseController
	done bool
}

func (b *deadlineBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err == io.EOF && !b.done {
		b.done = true
		_ = b.rc.SetReadDeadline(time.Time{})
	}
	return n, err
}
