package ui

import (
	"log"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// handshakeLogEvery is how often at most a failed TLS handshake is logged; the others are counted.
const handshakeLogEvery = time.Minute

// handshakeErrPrefix starts the line net/http logs for each connection whose TLS handshake fails.
const handshakeErrPrefix = "http: TLS handshake error from "

// serverErrorLog is the http.Server's ErrorLog. Its lines go to the logger at warn, except failed TLS
// handshakes: every connection the connLimiter sheds before its handshake ends as one, as does every
// scanner and every plain-HTTP client, so an attack would flood the log with them. They are counted in
// porchlight_http_tls_handshake_errors_total and logged at most once per handshakeLogEvery, with the
// number left unlogged since the last one.
type serverErrorLog struct {
	log        *slog.Logger
	now        func() time.Time
	handshakes prometheus.Counter

	mu       sync.Mutex
	next     time.Time // when a failed handshake may be logged again
	unlogged int       // failed handshakes counted but not logged since the last one logged
}

func newServerErrorLog(lg *slog.Logger, now func() time.Time, reg prometheus.Registerer) *serverErrorLog {
	l := &serverErrorLog{log: lg, now: now, handshakes: prometheus.NewCounter(prometheus.CounterOpts{
		Name: "porchlight_http_tls_handshake_errors_total",
		Help: "HTTPS connections that closed or failed before their TLS handshake completed (the log shows " +
			"at most one a minute)."})}
	reg.MustRegister(l.handshakes)
	return l
}

// logger returns the *log.Logger for http.Server.ErrorLog.
func (l *serverErrorLog) logger() *log.Logger { return log.New(l, "", 0) }

// Write takes one line of net/http's log (log.Logger writes each line in one call).
func (l *serverErrorLog) Write(p []byte) (int, error) {
	msg := strings.TrimSuffix(string(p), "\n")
	detail, ok := strings.CutPrefix(msg, handshakeErrPrefix)
	if !ok {
		l.log.Warn(msg)
		return len(p), nil
	}
	l.handshakes.Inc()
	l.mu.Lock()
	now := l.now()
	if now.Before(l.next) {
		l.unlogged++
		l.mu.Unlock()
		return len(p), nil
	}
	unlogged := l.unlogged
	l.unlogged, l.next = 0, now.Add(handshakeLogEvery)
	l.mu.Unlock()
	l.log.Warn("http: TLS handshake failed (at most one logged a minute)", "from", detail,
		"unlogged_since_last", unlogged)
	return len(p), nil
}
