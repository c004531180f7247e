package nvr_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/porchlight/porchlight/recorder/mediatest"
)

// hoodNode is one node of a neighborhood test: its own directory and config, a `porchlight serve` process,
// and the CLI pointed at that config. It lives in the test's network namespace or in one the test made;
// exec and client say where.
type hoodNode struct {
	name  string
	dir   string
	cfg   string // path of porchlight.yml
	base  string // http://127.0.0.1:PORT, as seen from the node's namespace
	token string

	exec   func(name string, args ...string) *exec.Cmd // runs a program where the node lives
	client *http.Client                                // reaches base
	serve  *exec.Cmd
	log    string // serve's stderr
}

// hoodMember is one entry of `hood members --json`.
type hoodMember struct {
	ID      string    `json:"id"`
	Name    string    `json:"name"`
	Role    string    `json:"role"`
	Steward bool      `json:"steward"`
	Revoked bool      `json:"revoked"`
	Online  bool      `json:"online"`
	Self    bool      `json:"self"`
	Joined  time.Time `json:"joined"`
	Relayed bool      `json:"relayed"` // connected only through a relay
}

// hoodAlert is one entry of `alert list --json`.
type hoodAlert struct {
	ID         string    `json:"id"`
	Text       string    `json:"text"`
	Author     string    `json:"author"`
	AuthorName string    `json:"author_name"`
	Time       time.Time `json:"time"`
	Category   string    `json:"category"`
	Lat        *float64  `json:"lat"`
	Lon        *float64  `json:"lon"`
	Clip       *struct {
		Camera string    `json:"camera"`
		Start  time.Time `json:"start"`
		End    time.Time `json:"end"`
		Size   int64     `json:"size"`
	} `json:"clip"`
}

// newHoodNode runs `porchlight init` in a new directory and edits the config it wrote: HTTP on a free
// port, libp2p on 127.0.0.1 with random ports, no mDNS or UPnP (nothing may leave 127.0.0.0/8) and 2 s
// segments. edit, when not nil, changes the config further (p2p, cameras) before it is written back.
func newHoodNode(t *testing.T, name, role string, edit func(cfg map[string]any)) *hoodNode {
	t.Helper()
	dir := filepath.Join(t.TempDir(), name)
	run(t, "init", "--dir", dir, "--role", role, "--name", name)
	n := &hoodNode{name: name, dir: dir, cfg: filepath.Join(dir, "porchlight.yml"), exec: exec.Command,
		client: http.DefaultClient}
	b, err := os.ReadFile(n.cfg)
	if err != nil {
		t.Fatal(err)
	}
	var cfg map[string]any
	if err := yaml.Unmarshal(b, &cfg); err != nil {
		t.Fatalf("%s: %v", n.cfg, err)
	}
	listen := fmt.Sprintf("127.0.0.1:%d", mediatest.FreePort(t))
	n.base = "http://" + listen
	subMap(cfg, "http")["listen"] = listen
	p2p := subMap(cfg, "p2p")
	p2p["listen"] = []string{"/ip4/127.0.0.1/tcp/0", "/ip4/127.0.0.1/udp/0/quic-v1"}
	p2p["mdns"], p2p["upnp"] = false, false
	subMap(cfg, "storage")["segment_duration"] = "2s"
	if edit != nil {
		edit(cfg)
	}
	if b, err = yaml.Marshal(cfg); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(n.cfg, b, 0o600); err != nil {
		t.Fatal(err)
	}
	tok, err := os.ReadFile(filepath.Join(dir, "data", "api.token"))
	if err != nil {
		t.Fatal(err)
	}
	n.token = strings.TrimSpace(string(tok))
	return n
}

// subMap returns cfg[key] as a mapping, adding an empty one when the key is missing.
func subMap(cfg map[string]any, key string) map[string]any {
	m, ok := cfg[key].(map[string]any)
	if !ok {
		m = map[string]any{}
		cfg[key] = m
	}
	return m
}

// start runs `porchlight serve` and waits for the line that says it serves its address. The process is
// killed when the test ends if stop did not end it; on failure the end of its log is printed.
func (n *hoodNode) start(t *testing.T) {
	t.Helper()
	n.log = filepath.Join(n.dir, "serve.log")
	logf, err := os.Create(n.log)
	if err != nil {
		t.Fatal(err)
	}
	n.serve = n.exec(porchlightBin(t), "serve", "--config", n.cfg)
	n.serve.Stderr = logf
	stdout, _ := n.serve.StdoutPipe()
	if err := n.serve.Start(); err != nil {
		t.Fatal(err)
	}
	_ = logf.Close() // the child has its own copy
	serve := n.serve
	t.Cleanup(func() {
		if serve.ProcessState == nil {
			_ = serve.Process.Kill()
			_ = serve.Wait()
		}
		if t.Failed() {
			t.Logf("%s: end of serve log:\n%s", n.name, n.logTail(40))
		}
	})
	first := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(stdout).ReadString('\n')
		first <- line
		_, _ = io.Copy(io.Discard, stdout)
	}()
	select {
	case line := <-first:
		if !strings.Contains(line, n.base) {
			t.Fatalf("%s: serve printed %q, want its address %s; log:\n%s", n.name, line, n.base, n.logTail(20))
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("%s: serve printed nothing within 30s; log:\n%s", n.name, n.logTail(20))
	}
}

// stop sends SIGTERM and expects exit status 0 within 5 s. It may run in a goroutine of its own.
func (n *hoodNode) stop(t *testing.T) {
	t.Helper()
	if err := n.serve.Process.Signal(syscall.SIGTERM); err != nil {
		t.Errorf("%s: SIGTERM: %v", n.name, err)
		return
	}
	done := make(chan error, 1)
	go func() { done <- n.serve.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("%s: serve exit after SIGTERM: got %v, want status 0", n.name, err)
		}
	case <-time.After(5 * time.Second):
		t.Errorf("%s: serve still running 5s after SIGTERM, want exit within 5s", n.name)
		_ = n.serve.Process.Kill()
		<-done
	}
}

func (n *hoodNode) logTail(lines int) string {
	b, _ := os.ReadFile(n.log)
	all := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	return strings.Join(all[max(0, len(all)-lines):], "\n")
}

// try runs `porchlight <words> --config CFG <args>` where the node lives, e.g. try("hood join", code).
func (n *hoodNode) try(t *testing.T, words string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	argv := append(strings.Fields(words), "--config", n.cfg)
	cmd := n.exec(porchlightBin(t), append(argv, args...)...)
	var out, errOut strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run()
	return out.String(), errOut.String(), err
}

// cli is try that fails the test on a non-zero exit and returns stdout without surrounding space.
func (n *hoodNode) cli(t *testing.T, words string, args ...string) string {
	t.Helper()
	out, errOut, err := n.try(t, words, args...)
	if err != nil {
		t.Fatalf("%s: porchlight %s %s: %v\nstderr: %s", n.name, words, strings.Join(args, " "), err, errOut)
	}
	return strings.TrimSpace(out)
}

// line is cli for commands that print one value on one line (an ID, an invite code).
func (n *hoodNode) line(t *testing.T, words string, args ...string) string {
	t.Helper()
	out := n.cli(t, words, args...)
	if out == "" || strings.Contains(out, "\n") {
		t.Fatalf("%s: porchlight %s printed %q, want one line", n.name, words, out)
	}
	return out
}

func (n *hoodNode) members(t *testing.T) []hoodMember {
	t.Helper()
	var m []hoodMember
	if out := n.cli(t, "hood members", "--json"); json.Unmarshal([]byte(out), &m) != nil {
		t.Fatalf("%s: hood members --json printed %q, want a JSON array", n.name, out)
	}
	return m
}

func (n *hoodNode) alerts(t *testing.T) []hoodAlert {
	t.Helper()
	var a []hoodAlert
	if out := n.cli(t, "alert list", "--json"); json.Unmarshal([]byte(out), &a) != nil {
		t.Fatalf("%s: alert list --json printed %q, want a JSON array", n.name, out)
	}
	return a
}

// id is the node's own member ID, the entry of its member list marked self.
func (n *hoodNode) id(t *testing.T) string {
	t.Helper()
	for _, m := range n.members(t) {
		if m.Self {
			return m.ID
		}
	}
	t.Fatalf("%s: no member marked self", n.name)
	return ""
}

// alert returns the node's alert with the ID, if it has it.
func (n *hoodNode) alert(t *testing.T, id string) (hoodAlert, bool) {
	t.Helper()
	for _, a := range n.alerts(t) {
		if a.ID == id {
			return a, true
		}
	}
	return hoodAlert{}, false
}

// get performs an authorised GET against the node's API from where the node lives.
func (n *hoodNode) get(t *testing.T, path string) []byte {
	t.Helper()
	return n.do(t, "GET", path, nil)
}

// do performs an authorised request with body (JSON, nil: none) and wants 200.
func (n *hoodNode) do(t *testing.T, method, path string, body any) []byte {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, n.base+path, rd)
	req.Header.Set("Authorization", "Bearer "+n.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := n.client.Do(req)
	if err != nil {
		t.Fatalf("%s: %s %s: %v", n.name, method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("%s: %s %s: got %s, want 200: %s", n.name, method, path, resp.Status, b)
	}
	return b
}
