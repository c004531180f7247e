package ui

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/porchlight/porchlight/internal/testutil"
)

// recordedLog is a slog.Handler that keeps each record as one line "LEVEL msg k=v ...".
type recordedLog struct {
	mu    sync.Mutex
	lines []string
}

func (h *recordedLog) Enabled(context.Context, slog.Level) bool { return true }
func (h *recordedLog) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h *recordedLog) WithGroup(string) slog.Handler            { return h }

func (h *recordedLog) Handle(_ context.Context, r slog.Record) error {
	line := r.Level.String() + " " + r.Message
	r.Attrs(func(a slog.Attr) bool { line += " " + a.String(); return true })
	h.mu.Lock()
	defer h.mu.Unlock()
	h.lines = append(h.lines, line)
	return nil
}

// containing returns the lines that contain s.
func (h *recordedLog) containing(s string) []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []string
	for _, l := range h.lines {
		if strings.Contains(l, s) {
			out = append(out, l)
		}
	}
	return out
}

// TestTLSHandshakeErrorsDoNotFloodTheLog: connections that close before their TLS handshake (as every one
// the connection caps shed does) are counted, and logged at most once a minute with the number left
// out; other lines of net/http's log still go to the logger at warn.
func TestTLSHandshakeErrorsDoNotFloodTheLog(t *testing.T) {
	e := newAuthEnv(t)
	tc, _, err := TLSConfig(t.TempDir(), "", "")
	if err != nil {
		t.Fatal(err)
	}
	logs, reg := &recordedLog{}, prometheus.NewRegistry()
	s := &Server{Listen: "127.0.0.1:0", DataDir: e.dir, Cameras: &fakeCameras{}, TLSConfig: tc, Registry: reg,
		Now: e.clock.Now, afterFunc: e.clock.AfterFunc, Logger: slog.New(logs)}
	addr := strings.TrimPrefix(runServer(t, s), "http://")
	failed := 0
	failHandshakes := func(n int) {
		t.Helper()
		for range n {
			c, err := net.DialTimeout("tcp", addr, 5*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			c.Close()
		}
		failed += n
		testutil.WaitForState(t, 10*time.Second, fmt.Sprint(failed, " failed handshakes counted"), func() (bool, string) {
			got := gatherValues(t, reg)["porchlight_http_tls_handshake_errors_total{}"]
			return got == float64(failed), fmt.Sprint(got)
		})
	}

	failHandshakes(50)
	if got := logs.containing("TLS handshake"); len(got) != 1 || !strings.HasPrefix(got[0], "WARN ") ||
		!strings.Contains(got[0], "unlogged_since_last=0") {
		t.Errorf("after 50 failed handshakes within a minute: got log lines %q, want one warning", got)
	}
	e.clock.Advance(handshakeLogEvery)
	failHandshakes(1)
	if got := logs.containing("TLS handshake"); len(got) != 2 || !strings.Contains(got[1], "unlogged_since_last=49") {
		t.Errorf("after a minute and one more failed handshake: got log lines %q, want a second one with 49 unlogged", got)
	}

	s.errLog.logger().Printf("http: superfluous response.WriteHeader call from x")
	if got := logs.containing("superfluous"); len(got) != 1 || !strings.HasPrefix(got[0], "WARN http: superfluous") {
		t.Errorf("another line of net/http's log: got %q, want it at warn", got)
	}
}
