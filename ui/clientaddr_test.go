package ui

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// doVia sends a request over a new connection from the local address src (any of 127.0.0.0/8) with the
// extra headers hdr; body, if not nil, as JSON.
func (e *authEnv) doVia(src string, hdr http.Header, method, path string, body any) (int, http.Header, []byte) {
	e.t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, e.url+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range hdr {
		req.Header[k] = v
	}
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(src)}}
	tr := &http.Transport{DialContext: d.DialContext}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, b
}

// xff is a header set as a proxy that appends its peer would send it.
func xff(chain string) http.Header { return http.Header{"X-Forwarded-For": {chain}} }

// TestLoginLimitPerForwardedClient: behind a trusted proxy (127.0.0.1 here) the login limits count the
// client the proxy reports: one client's wrong passwords slow that client, not another behind the same
// proxy. A forged entry that a client put in front of the chain changes nothing.
func TestLoginLimitPerForwardedClient(t *testing.T) {
	e := newAuthEnvWith(t, func(s *Server) {
		s.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
	})
	const proxy = "127.0.0.1"
	bad := loginRequest{User: "admin", Password: "wrong-password"}
	for i := range pairFreeFailures {
		// The attacker forges a different first entry each time; the proxy appends the address it saw.
		code, _, body := e.doVia(proxy, xff(fmt.Sprintf("192.0.2.%d, 198.51.100.7", i+1)), "POST", "/api/v1/login", bad)
		wantStatus(t, fmt.Sprint("failure ", i+1), code, 401, body)
	}
	good := loginRequest{User: "admin", Password: e.adminPW}
	code, hdr, body := e.doVia(proxy, xff("203.0.113.99, 198.51.100.7"), "POST", "/api/v1/login", good)
	wantStatus(t, "the guessing client, whatever it forges", code, 429, body)
	if hdr.Get("Retry-After") == "" {
		t.Errorf("429 without Retry-After")
	}
	code, _, body = e.doVia(proxy, xff("198.51.100.8"), "POST", "/api/v1/login", good)
	wantStatus(t, "another client behind the same proxy", code, 200, body)
	code, _, body = e.doVia(proxy, http.Header{"Forwarded": {`for="198.51.100.7:5555";proto=https`}}, "POST", "/api/v1/login", good)
	wantStatus(t, "the guessing client, reported with Forwarded", code, 429, body)
	code, _, body = e.doVia(proxy, http.Header{"X-Real-Ip": {"198.51.100.7"}}, "POST", "/api/v1/login", good)
	wantStatus(t, "the guessing client, reported with X-Real-IP", code, 429, body)
	e.clock.Advance(pairMaxDelay)
	code, _, body = e.doVia(proxy, xff("198.51.100.7"), "POST", "/api/v1/login", good)
	wantStatus(t, "the guessing client after its delay", code, 200, body)
}

// TestForwardingHeadersIgnoredFromUntrustedPeers: a client that is not a trusted proxy cannot choose the
// address the limits count by sending forwarding headers; without trusted proxies nobody can.
func TestForwardingHeadersIgnoredFromUntrustedPeers(t *testing.T) {
	for _, trusted := range [][]netip.Prefix{nil, {netip.MustParsePrefix("127.0.0.1/32")}} {
		t.Run(fmt.Sprint("trusted ", trusted), func(t *testing.T) {
			e := newAuthEnvWith(t, func(s *Server) { s.TrustedProxies = trusted })
			const attacker = "127.0.0.2"
			bad := loginRequest{User: "admin", Password: "wrong-password"}
			for i := range pairFreeFailures {
				h := xff(fmt.Sprintf("198.51.100.%d", i+1))
				h.Set("Forwarded", fmt.Sprintf("for=198.51.101.%d", i+1))
				h.Set("X-Real-Ip", fmt.Sprintf("198.51.102.%d", i+1))
				code, _, body := e.doVia(attacker, h, "POST", "/api/v1/login", bad)
				wantStatus(t, fmt.Sprint("failure ", i+1), code, 401, body)
			}
			code, _, body := e.doVia(attacker, xff("203.0.113.1"), "POST", "/api/v1/login",
				loginRequest{User: "admin", Password: e.adminPW})
			wantStatus(t, "the attacker with yet another forged address", code, 429, body)
		})
	}
}

// TestConnCapsCountForwardedClients: connections from a trusted proxy count, once a request has come on
// them, under the client that request came from; so clients behind the proxy that hold connections shed
// only their own, not those of another client of the same proxy.
func TestConnCapsCountForwardedClients(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l := newConnLimiter(ln, 2, 100, prometheus.NewRegistry())
	defer l.Close()
	s := &Server{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}}
	seen := make(chan string, 16)
	h := s.withClient(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen <- clientIP(r)
		w.WriteHeader(http.StatusNoContent)
	}))
	srv := &http.Server{Handler: h, ConnContext: withConn}
	go srv.Serve(l)
	defer srv.Close()

	// One connection per client through the proxy, a request on each: the owner's first, then three of
	// the attacker's. Over the cap of 2 per address the attacker's oldest goes, never the owner's.
	send := func(client string) net.Conn {
		t.Helper()
		c, err := dialFrom("127.0.0.1", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(c, "GET / HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: %s\r\n\r\n", client)
		buf := make([]byte, 512)
		if _, err := c.Read(buf); err != nil {
			t.Fatalf("request from %s: %v", client, err)
		}
		if got := <-seen; got != client {
			t.Fatalf("handler saw client %s, want %s", got, client)
		}
		return c
	}
	owner := send("198.51.100.1")
	var attacker []net.Conn
	for range 3 {
		attacker = append(attacker, send("203.0.113.66"))
	}
	alive := func(c net.Conn) bool {
		_ = c.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
		_, err := c.Read(make([]byte, 1))
		var ne net.Error
		return errors.As(err, &ne) && ne.Timeout() // still open: the read only timed out
	}
	if !alive(owner) {
		t.Errorf("the owner's connection was shed by another client's")
	}
	if alive(attacker[0]) {
		t.Errorf("the attacker's oldest connection is still open, want it shed (cap 2 per client)")
	}
	if !alive(attacker[2]) {
		t.Errorf("the attacker's newest connection was shed")
	}
}
