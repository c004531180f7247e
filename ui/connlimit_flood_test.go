package ui

import (
	"context"
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
)

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

func regexpFind(expr, s string) string {
	m := regexp.MustCompile(expr).FindStringSubmatch(s)
	if m == nil {
		return ""
	}
	return m[1]
}
