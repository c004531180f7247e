package ui

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// dialFrom connects to addr from the loopback address src (all of 127.0.0.0/8 is local on Linux).
func dialFrom(src, addr string) (net.Conn, error) {
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(src)}, Timeout: 5 * time.Second}
	return d.Dial("tcp", addr)
}

// TestConnLimiterShedsOldest: over the cap of an address its oldest unauthenticated connection goes, over
// the total cap the oldest of the address holding the most; authenticated connections are neither shed
// nor counted; the metrics say what happened.
func TestConnLimiterShedsOldest(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewRegistry()
	l := newConnLimiter(ln, 2, 3, reg)
	defer l.Close()
	accept := func(src string) (net.Conn, *limitedConn) {
		t.Helper()
		c, err := dialFrom(src, ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		sc, err := l.Accept()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { sc.Close() })
		return c, sc.(*limitedConn)
	}
	isClosed := func(c *limitedConn) bool {
		l.mu.Lock()
		defer l.mu.Unlock()
		return c.closed
	}

	ac1, a1 := accept("127.0.0.1")
	a1.authenticate(func() bool { return true })
	ac2, a2 := accept("127.0.0.1")
	_, a3 := accept("127.0.0.1")
	_, a4 := accept("127.0.0.1") // a third unauthenticated one from 127.0.0.1: a2 goes
	_, b1 := accept("127.0.0.2")
	_, b2 := accept("127.0.0.2") // a fourth unauthenticated one in all; two at each address: a3 goes
	_, c1 := accept("127.0.0.3") // and again; 127.0.0.2 holds the most: b1 goes, though a4 is older
	for _, tt := range []struct {
		name string
		c    *limitedConn
		shed bool
	}{{"a1 (authenticated)", a1, false}, {"a2", a2, true}, {"a3", a3, true}, {"a4", a4, false},
		{"b1", b1, true}, {"b2", b2, false}, {"c1", c1, false}} {
		if got := isClosed(tt.c); got != tt.shed {
			t.Errorf("%s: got shed %v, want %v", tt.name, got, tt.shed)
		}
	}
	// The client of a shed connection sees it end; the authenticated one's stays usable.
	_ = ac2.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := ac2.Read(make([]byte, 1)); err == nil || errors.Is(err, os.ErrDeadlineExceeded) {
		t.Errorf("read on a shed connection: got %v, want EOF or reset", err)
	}
	if _, err := a1.Write([]byte("x")); err != nil {
		t.Errorf("write on the authenticated connection: %v", err)
	}
	if _, err := io.ReadFull(ac1, make([]byte, 1)); err != nil {
		t.Errorf("read on the authenticated connection: %v", err)
	}

	want := map[string]float64{
		`porchlight_http_connections_shed_total{reason="address"}`: 1,
		`porchlight_http_connections_shed_total{reason="total"}`:   2,
		`porchlight_http_connections{state="unauthenticated"}`:     3,
		`porchlight_http_connections{state="authenticated"}`:       1,
	}
	got := gatherValues(t, reg)
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: got %v, want %v", k, got[k], v)
		}
	}
	a1.Close()
	if got := gatherValues(t, reg)[`porchlight_http_connections{state="authenticated"}`]; got != 0 {
		t.Errorf("authenticated connections after closing the only one: got %v, want 0", got)
	}
}

// gatherValues returns the counters and gauges of reg by name{label="value",...}.
func gatherValues(t *testing.T, reg *prometheus.Registry) map[string]float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			var labels []string
			for _, lp := range m.GetLabel() {
				labels = append(labels, fmt.Sprintf("%s=%q", lp.GetName(), lp.GetValue()))
			}
			v := m.GetGauge().GetValue()
			if m.Counter != nil {
				v = m.GetCounter().GetValue()
			}
			out[mf.GetName()+"{"+strings.Join(labels, ",")+"}"] = v
		}
	}
	return out
}

// TestConnAuthenticatedOverTLS: behind TLS too, a request with a valid token marks its connection.
func TestConnAuthenticatedOverTLS(t *testing.T) {
	e := newAuthEnv(t)
	tc, certFile, err := TLSConfig(t.TempDir(), "", "")
	if err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewRegistry()
	s := &Server{Listen: "127.0.0.1:0", DataDir: e.dir, Cameras: &fakeCameras{}, TLSConfig: tc, Registry: reg}
	base := "https://" + strings.TrimPrefix(runServer(t, s), "http://")
	pem, err := os.ReadFile(certFile)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	c := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	defer c.CloseIdleConnections()
	req, _ := http.NewRequest("GET", base+"/api/v1/cameras", nil)
	req.Header.Set("Authorization", "Bearer "+testToken)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	wantStatus(t, "GET /api/v1/cameras over TLS", resp.StatusCode, http.StatusOK, nil)
	got := gatherValues(t, reg)
	if a, u := got[`porchlight_http_connections{state="authenticated"}`],
		got[`porchlight_http_connections{state="unauthenticated"}`]; a != 1 || u != 0 {
		t.Errorf("connections: got %v authenticated and %v not, want 1 and 0", a, u)
	}
}
