package nvr_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/porchlight/porchlight/internal/testutil"
	"github.com/porchlight/porchlight/nvr"
	"github.com/porchlight/porchlight/recorder/democam"
	"github.com/porchlight/porchlight/recorder/mediatest"
)

const nginxBin = "/usr/sbin/nginx"

// readmeNginx returns the nginx block of README.md's "Behind a reverse proxy": the test runs what the
// README tells users to write.
func readmeNginx(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)```nginx\n(location /nvr/ \\{.*?\n\\})\n```").FindSubmatch(b)
	if m == nil {
		t.Fatal("README.md has no ```nginx block with location /nvr/")
	}
	return string(m[1])
}

// startNginx runs Debian's nginx in the foreground, as a child of the test, with its own config, pid,
// logs and temp files in a temp dir, listening on a free loopback port with README's block in front of
// upstream (host:port of the node). It returns the proxy's base URL.
func startNginx(t *testing.T, upstream string) string {
	t.Helper()
	mediatest.Require(t, nginxBin)
	dir := t.TempDir()
	port := freePort(t)
	block := strings.Replace(readmeNginx(t), "127.0.0.1:7480", upstream, 1)
	user := "" // as root, nginx's workers would run as nobody, who cannot write into the temp dir
	if os.Geteuid() == 0 {
		user = "user root;"
	}
	conf := fmt.Sprintf(`%s
worker_processes 1;
pid %[2]s/nginx.pid;
error_log %[2]s/error.log info;
events { worker_connections 256; }
http {
    access_log %[2]s/access.log;
    client_body_temp_path %[2]s/client_body;
    proxy_temp_path %[2]s/proxy;
    fastcgi_temp_path %[2]s/fastcgi;
    uwsgi_temp_path %[2]s/uwsgi;
    scgi_temp_path %[2]s/scgi;
    server {
        listen 127.0.0.1:%[3]d;
        # Test only. Every client of this test connects from 127.0.0.1, so nginx would report them all as
        # one. The realip module lets a test client stand for another address: from 127.0.0.1, the
        # X-Test-Client header becomes $remote_addr, the address nginx saw, which README's block then
        # appends to X-Forwarded-For exactly as it would a real client's. Without the header (the
        # browser) the client is 127.0.0.1.
        set_real_ip_from 127.0.0.1;
        real_ip_header X-Test-Client;

%[4]s
    }
}
`, user, dir, port, block)
	path := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(path, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	cmd := exec.Command(nginxBin, "-c", path, "-p", dir, "-g", "daemon off;")
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM) // fast shutdown: the master stops its workers
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) // the master and its workers, by group id
			<-exited
		}
		if t.Failed() {
			errLog, _ := os.ReadFile(filepath.Join(dir, "error.log"))
			t.Logf("nginx output:\n%s\nerror.log:\n%s", out.String(), errLog)
		}
	})
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	up := testutil.Poll(20*time.Second, func() bool {
		select {
		case <-exited:
			return true
		default:
		}
		resp, err := http.Get(base + "/nvr/healthz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return true
	})
	select {
	case <-exited:
		t.Fatalf("nginx exited: %s", out.String())
	default:
	}
	if !up {
		t.Fatal("nginx did not start listening")
	}
	return base
}

// freePort returns a loopback TCP port that was free a moment ago.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// proxiedNode runs a node with a camera under base path /nvr, trusting 127.0.0.1 as its proxy; it
// returns the node's host:port, the admin password and the API token.
func proxiedNode(t *testing.T) (string, string, string) {
	t.Helper()
	cam := &democam.Server{Addr: "127.0.0.1:0"}
	if err := cam.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cam.Close)
	res, err := nvr.Init(t.TempDir(), nvr.RoleHousehold, "Elm Street 12")
	if err != nil {
		t.Fatal(err)
	}
	direct, password := runInitNode(t, res, func(b []byte) []byte {
		b = regexp.MustCompile(`(?m)^cameras: \[\]`).ReplaceAll(b, []byte(fmt.Sprintf("cameras:\n  - name: front\n    url: %s\n", cam.URL())))
		return regexp.MustCompile(`(?m)^http:\n`).ReplaceAll(b, []byte("http:\n  base_path: /nvr\n  trusted_proxies: [127.0.0.1]\n"))
	})
	token, err := os.ReadFile(res.TokenPath)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimPrefix(direct, "http://"), password, strings.TrimSpace(string(token))
}

// TestNginxBasePath runs a node under /nvr behind a real nginx configured with README's block, and checks
// through it: the probes answer under /nvr; in Chromium the app loads, logs in, plays the live tile and
// opens its event stream (SSE), and every request it makes stays under /nvr/; the login limits count each
// client the proxy reports, not the proxy, whatever a client forges; and a client that is not the proxy
// cannot choose its address with a forged X-Forwarded-For.
func TestNginxBasePath(t *testing.T) {
	node, password, token := proxiedNode(t)
	proxy := startNginx(t, node)

	t.Run("probes", func(t *testing.T) {
		for _, tt := range []struct {
			url  string
			code int
			body string
		}{
			{proxy + "/nvr/healthz", 200, "ok"},
			{proxy + "/nvr/readyz", 200, ""},
			{"http://" + node + "/nvr/healthz", 200, "ok"}, // the same URL directly
			{"http://" + node + "/healthz", 404, ""},       // nothing outside the base path
		} {
			resp, err := http.Get(tt.url)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.code || !strings.Contains(string(b), tt.body) {
				t.Errorf("GET %s: got %d %q, want %d containing %q", tt.url, resp.StatusCode, b, tt.code, tt.body)
			}
		}
		req, _ := http.NewRequest("GET", proxy+"/nvr/metrics", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("GET /nvr/metrics through nginx: got %d, want 200", resp.StatusCode)
		}
	})

	t.Run("sse", func(t *testing.T) {
		// The event stream's first line arrives through the proxy while the stream stays open.
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, "GET", proxy+"/nvr/api/v1/events/stream", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		line, err := bufio.NewReader(resp.Body).ReadString('\n')
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") ||
			line != ": subscribed\n" || err != nil {
			t.Fatalf("event stream through nginx: %d %q, first line %q (%v)", resp.StatusCode,
				resp.Header.Get("Content-Type"), line, err)
		}
	})

	t.Run("browser", func(t *testing.T) { browserUnderBasePath(t, proxy, password) })

	t.Run("login limits per client", func(t *testing.T) {
		const guesser, owner = "198.51.100.7", "198.51.100.8"
		// The guesser forges an X-Forwarded-For of its own with every try; nginx appends the address it saw.
		n := 0
		throttleGuessing(t, func() (int, int) {
			n++
			return proxiedLogin(t, http.DefaultClient, proxy, "wrong-password",
				map[string]string{"X-Test-Client": guesser, "X-Forwarded-For": fmt.Sprintf("203.0.113.%d", n%250+1)})
		})
		if got, _ := proxiedLogin(t, http.DefaultClient, proxy, password, map[string]string{"X-Test-Client": owner}); got != 200 {
			t.Errorf("another client behind the same proxy, while the guesser waits: got %d, want 200", got)
		}
		if got, _ := proxiedLogin(t, http.DefaultClient, proxy, password,
			map[string]string{"X-Test-Client": guesser, "X-Forwarded-For": "203.0.113.251"}); got != 429 {
			t.Errorf("the guesser with the right password and a new forged address: got %d, want 429", got)
		}
	})

	t.Run("forged header from an untrusted peer", func(t *testing.T) {
		// A client that reaches the node directly from 127.0.0.2 (not a trusted proxy) forges a new
		// X-Forwarded-For with every try: the node counts it as 127.0.0.2 all along, so it is slowed
		// down as one client (were the header believed, every try would be a new client's first).
		d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP("127.0.0.2")}}
		tr := &http.Transport{DialContext: d.DialContext}
		defer tr.CloseIdleConnections()
		n := 0
		throttleGuessing(t, func() (int, int) {
			n++
			return proxiedLogin(t, &http.Client{Transport: tr}, "http://"+node, "wrong-password",
				map[string]string{"X-Forwarded-For": fmt.Sprintf("192.0.2.%d", n%250+1)})
		})
	})
}

// proxiedLogin posts admin's login with password to base/nvr/api/v1/login with the extra headers hdr; it returns
// the status and Retry-After.
func proxiedLogin(t *testing.T, c *http.Client, base, password string, hdr map[string]string) (int, int) {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"user": "admin", "password": password})
	req, _ := http.NewRequest("POST", base+"/nvr/api/v1/login", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	ra, _ := strconv.Atoi(resp.Header.Get("Retry-After"))
	return resp.StatusCode, ra
}

// throttleGuessing repeats a wrong-password try until the node answers 429 with at least 3 s to wait:
// the free failures are used up and the delays have doubled past the time a login takes here, so that
// what the test checks next happens while the guesser must still wait. A client that is never slowed
// down fails the test.
func throttleGuessing(t *testing.T, try func() (code, retryAfter int)) {
	t.Helper()
	var codes []int
	ok := testutil.Poll(60*time.Second, func() bool {
		code, ra := try()
		codes = append(codes, code)
		if code != 401 && code != 429 {
			t.Fatalf("wrong password: got %d, want 401 or 429", code)
		}
		return code == 429 && ra >= 3
	})
	if !ok {
		t.Fatalf("wrong passwords were never slowed down to a 3 s wait: got %v", codes)
	}
	if codes[0] != 401 || codes[1] != 401 || codes[2] != 401 {
		t.Errorf("the first three wrong passwords: got %v, want 401 each", codes[:3])
	}
}

// browserUnderBasePath opens proxy/nvr/ in Chromium, logs in, checks that the live tile plays and the
// event stream is open, visits the other views, and checks that every request the page made went to
// proxy/nvr/.
func browserUnderBasePath(t *testing.T, proxy, password string) {
	ctx := browser(t)
	var mu sync.Mutex
	var urls []string
	if err := chromedp.Listen(ctx, func(ev any) {
		if e, ok := ev.(*network.EventRequestWillBeSent); ok {
			mu.Lock()
			urls = append(urls, e.Request.URL)
			mu.Unlock()
		}
	}); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(proxy+"/nvr/")); err != nil { // starts the browser: no timeout here
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	err := chromedp.Do(ctx,
		chromedp.WaitVisible("#login-form"),
		chromedp.SetValue(`#login-form [name=password]`, password),
		chromedp.Click(`#login-form button[type=submit]`),
		chromedp.WaitVisible("#grid video"),
	)
	if err != nil {
		t.Fatalf("logging in under /nvr/: %v", err)
	}
	eval := func(js string) float64 {
		v, err := chromedp.Run(ctx, chromedp.Evaluate[float64](js))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	if !testutil.Poll(30*time.Second, func() bool { return eval(`document.querySelector("#grid video").currentTime`) >= 1 }) {
		t.Errorf("live tile through nginx: currentTime %.2f, want it playing", eval(`document.querySelector("#grid video").currentTime`))
	}
	if !testutil.Poll(20*time.Second, func() bool { return eval(`eventFeed.es ? eventFeed.es.readyState : -1`) == 1 }) {
		t.Errorf("event stream through nginx: readyState %v, want 1 (open)", eval(`eventFeed.es ? eventFeed.es.readyState : -1`))
	}
	screenshot(t, ctx, "nginx-live")
	for _, view := range []string{"timeline", "events", "cameras", "storage", "hood", "requests", "agencies", "settings"} {
		if err := chromedp.Do(ctx, chromedp.Navigate(proxy+"/nvr/#/"+view), chromedp.WaitVisible("#"+view)); err != nil {
			t.Fatalf("view %s under /nvr/: %v", view, err)
		}
	}

	mu.Lock()
	defer mu.Unlock()
	var api, outside []string
	for _, u := range urls {
		switch {
		case !strings.HasPrefix(u, "http"): // data: and blob: URLs stay in the page
		case strings.HasPrefix(u, proxy+"/nvr/api/v1/"):
			api = append(api, strings.TrimPrefix(u, proxy))
		case !strings.HasPrefix(u, proxy+"/nvr/"):
			outside = append(outside, u)
		}
	}
	if len(outside) > 0 {
		t.Errorf("requests outside /nvr/: %q", outside)
	}
	for _, want := range []string{"/nvr/api/v1/session", "/nvr/api/v1/login", "/nvr/api/v1/cameras",
		"/nvr/api/v1/cameras/front/live.mp4", "/nvr/api/v1/events/stream", "/nvr/api/v1/users"} {
		found := false
		for _, u := range api {
			found = found || u == want || strings.HasPrefix(u, want+"?")
		}
		if !found {
			t.Errorf("the app made no request to %s; it made %q", want, api)
		}
	}
	t.Logf("%d requests, %d of them to /nvr/api/v1/", len(urls), len(api))
}
