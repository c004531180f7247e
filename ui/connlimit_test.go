package ui

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
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

// TestSlowClientsCannotDenyTheOwner opens thousands of connections that never finish a request (slow
// login bodies and silent connections from sixteen addresses) and checks that the server holds a bounded
// number of sockets and that the owner's API calls still answer, on new connections opened during the
// attack and on one opened before. An attack from the owner's own address is the documented limit: then
// only the owner's authenticated connection is sure to get through, and it does.
func TestSlowClientsCannotDenyTheOwner(t *testing.T) {
	const attackers, more = 3000, 1000
	raiseFileLimit(t, 2*attackers+more+defaultMaxUnauth+500)
	e := newAuthEnv(t)
	addr := strings.TrimPrefix(e.url, "http://")
	_, portStr, _ := net.SplitHostPort(addr)
	port, _ := strconv.Atoi(portStr)

	ownerGet := func(c *http.Client) (reused bool) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
			GotConn: func(ci httptrace.GotConnInfo) { reused = ci.Reused }})
		req, _ := http.NewRequestWithContext(ctx, "GET", e.url+"/api/v1/cameras", nil)
		req.Header.Set("Authorization", "Bearer "+testToken)
		resp, err := c.Do(req)
		if err != nil {
			t.Fatalf("owner's API call during the attack: %v", err)
		}
		defer resp.Body.Close()
		if _, err := io.Copy(io.Discard, resp.Body); err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("owner's API call during the attack: %s, %v", resp.Status, err)
		}
		return reused
	}
	keepAlive := &http.Client{Transport: &http.Transport{}}
	defer keepAlive.CloseIdleConnections()
	ownerGet(keepAlive) // the oldest connection of all once the attack starts
	fresh := func() *http.Client { return &http.Client{Transport: &http.Transport{DisableKeepAlives: true}} }

	var mu sync.Mutex
	var held []net.Conn
	t.Cleanup(func() {
		for _, c := range held {
			c.Close()
		}
	})
	stop := make(chan struct{})
	var stopOnce sync.Once
	halt := func() { stopOnce.Do(func() { close(stop) }) }
	defer halt()
	// attack opens connections from..from+n-1 with 16 workers until stop; even ones send the headers of a
	// login and one byte of its 1000-byte body, odd ones nothing. src names each one's address.
	attack := func(from, n int, src func(i int) string) {
		var wg sync.WaitGroup
		for w := range 16 {
			wg.Go(func() {
				for i := from + w; i < from+n; i += 16 {
					select {
					case <-stop:
						return
					default:
					}
					c, err := dialFrom(src(i), addr)
					if err != nil {
						t.Errorf("attack connection %d: %v", i, err)
						return
					}
					if i%2 == 0 {
						_, _ = io.WriteString(c, "POST /api/v1/login HTTP/1.1\r\nHost: x\r\n"+
							"Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{")
					}
					mu.Lock()
					held = append(held, c)
					mu.Unlock()
				}
			})
		}
		wg.Wait()
	}
	lan := func(i int) string { return fmt.Sprintf("127.0.0.%d", 2+i%16) }
	attack(0, attackers, lan)

	// A new connection is accepted after all those before it, so after this call the server has seen
	// every attack connection.
	ownerGet(fresh())
	maxSockets := defaultMaxUnauth + 8 // the owner's connections and one being accepted
	if n := serverSockets(t, port); n > maxSockets {
		t.Errorf("server sockets with %d attack connections open: got %d, want at most %d", attackers, n, maxSockets)
	}

	done := make(chan struct{})
	go func() { defer close(done); attack(attackers, more, lan) }()
	for range 10 {
		ownerGet(fresh())
	}
	<-done
	if !ownerGet(keepAlive) {
		t.Error("the owner's authenticated connection was not reused: it was shed")
	}

	// The same from the owner's address.
	done = make(chan struct{})
	go func() {
		defer close(done)
		attack(attackers+more, attackers, func(int) string { return "127.0.0.1" })
	}()
	for range 10 {
		if !ownerGet(keepAlive) {
			t.Error("the owner's authenticated connection was not reused: it was shed")
		}
	}
	<-done
	if n := serverSockets(t, port); n > maxSockets {
		t.Errorf("server sockets after %d more: got %d, want at most %d", more+attackers, n, maxSockets)
	}
	// Every attack connection beyond the bound was shed (the server's timeouts have not struck yet).
	_, _, body := e.do(creds{bearer: testToken}, "GET", "/metrics", nil)
	shed := 0
	for _, reason := range []string{"address", "total"} {
		m := regexpFind(`porchlight_http_connections_shed_total\{reason="`+reason+`"\} (\d+)`, string(body))
		n, _ := strconv.Atoi(m)
		shed += n
	}
	if want := 2*attackers + more - maxSockets; shed < want {
		t.Errorf("metrics: connections shed: got %d, want at least %d", shed, want)
	}
}

// raiseFileLimit raises the soft limit of open files to n (up to the hard limit) for the test, or skips
// it when the hard limit is lower.
func raiseFileLimit(t *testing.T, n uint64) {
	t.Helper()
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Fatal(err)
	}
	if lim.Cur >= n {
		return
	}
	if lim.Max < n {
		t.Skipf("the test needs %d open files; the hard limit is %d", n, lim.Max)
	}
	old := lim
	lim.Cur = n
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = syscall.Setrlimit(syscall.RLIMIT_NOFILE, &old) })
}

// serverSockets counts this process's open TCP sockets whose local port is port, listener excluded: the
// server's side of its connections.
func serverSockets(t *testing.T, port int) int {
	t.Helper()
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skipf("no /proc: %v", err)
	}
	open := map[string]bool{}
	for _, fd := range fds {
		if l, err := os.Readlink("/proc/self/fd/" + fd.Name()); err == nil && strings.HasPrefix(l, "socket:[") {
			open[strings.TrimSuffix(strings.TrimPrefix(l, "socket:["), "]")] = true
		}
	}
	n := 0
	for _, f := range []string{"/proc/self/net/tcp", "/proc/self/net/tcp6"} {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(b), "\n")[1:] {
			// sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
			fs := strings.Fields(line)
			if len(fs) < 10 || fs[3] == "0A" { // 0A: LISTEN
				continue
			}
			_, hexPort, _ := strings.Cut(fs[1], ":")
			if p, err := strconv.ParseUint(hexPort, 16, 16); err == nil && int(p) == port && open[fs[9]] {
				n++
			}
		}
	}
	return n
}

// TestSlowBodyIsCut: a request whose body does not arrive within the bound gets its answer and its
// connection closed, whether or not the handler reads the body (the server reads what is left of it
// before answering).
func TestSlowBodyIsCut(t *testing.T) {
	e := newAuthEnv(t)
	const bound = 200 * time.Millisecond
	s := &Server{Listen: "127.0.0.1:0", DataDir: e.dir, Cameras: &fakeCameras{}, readTimeout: bound}
	addr := strings.TrimPrefix(runServer(t, s), "http://")
	for _, tt := range []struct {
		path string
		want int
	}{
		{"/api/v1/login", http.StatusRequestTimeout}, // reads the body
		{"/api/v1/logout", http.StatusUnauthorized},  // never reads it
	} {
		t.Run(tt.path, func(t *testing.T) {
			c, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if _, err := io.WriteString(c, "POST "+tt.path+" HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"+
				"Content-Length: 1000\r\n\r\n{\"user\":"); err != nil {
				t.Fatal(err)
			}
			// The test's own limit, far beyond the server's: without the bound the server waits forever.
			_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
			br := bufio.NewReader(c)
			resp, err := http.ReadResponse(br, nil)
			if err != nil {
				t.Fatalf("no answer to a request whose body stalls: %v", err)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.want {
				t.Errorf("got status %d, want %d", resp.StatusCode, tt.want)
			}
			if _, err := br.ReadByte(); err != io.EOF {
				t.Errorf("after the answer: got %v, want the connection closed (EOF)", err)
			}
		})
	}
}

// TestStreamOutlivesTheReadTimeout: the read timeout does not end a long response, to a request with a
// body (which its handler does not read) or without.
func TestStreamOutlivesTheReadTimeout(t *testing.T) {
	e := newAuthEnv(t)
	const bound = 100 * time.Millisecond
	s := &Server{Listen: "127.0.0.1:0", DataDir: e.dir, Cameras: &fakeCameras{}, Hoods: newFakeHoods(),
		alertKeepalive: bound / 5, readTimeout: bound}
	url := runServer(t, s)
	for _, body := range []string{"", "{}"} {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, "GET", url+"/api/v1/alerts/stream", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+testToken)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		c := &sseClient{resp: resp, rd: bufio.NewReader(resp.Body)}
		for start := time.Now(); time.Since(start) < 5*bound; {
			c.next(t) // fails the test if the stream ends
		}
	}
}

// slowProbeAdmin's probe takes a while and fails if its request's context ends first.
type slowProbeAdmin struct {
	fakeCameraAdmin
	d time.Duration
}

func (f *slowProbeAdmin) Probe(ctx context.Context, u, transport string) (*ProbeResult, error) {
	t := time.NewTimer(f.d)
	defer t.Stop()
	select {
	case <-t.C:
		return &ProbeResult{VideoCodec: "H264"}, nil
	case <-ctx.Done():
		return nil, fmt.Errorf("probe: request context ended: %w", ctx.Err())
	}
}

// TestReadTimeoutEndsWithTheBody: once the body is in, the read timeout no longer applies; a handler that
// runs longer keeps its request context, and the connection serves the next request.
func TestReadTimeoutEndsWithTheBody(t *testing.T) {
	e := newAuthEnv(t)
	const bound = 100 * time.Millisecond
	s := &Server{Listen: "127.0.0.1:0", DataDir: e.dir, Cameras: &fakeCameras{}, readTimeout: bound,
		CameraAdmin: &slowProbeAdmin{d: 5 * bound}}
	e.url = runServer(t, s)
	for i := range 2 {
		code, _, body := e.do(creds{bearer: testToken}, "POST", "/api/v1/cameras/probe",
			probeRequest{URL: "rtsp://10.0.0.6/s"})
		wantStatus(t, fmt.Sprintf("probe %d", i), code, http.StatusOK, body)
	}
}

func regexpFind(expr, s string) string {
	m := regexp.MustCompile(expr).FindStringSubmatch(s)
	if m == nil {
		return ""
	}
	return m[1]
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
