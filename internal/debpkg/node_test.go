package debpkg

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/porchlight/porchlight/internal/testutil"
	"github.com/porchlight/porchlight/nvr"
	"github.com/porchlight/porchlight/recorder/mediatest"
)

// Paths the package and its postinst lay out.
const (
	confPath  = ConfPath
	dataDir   = "/var/lib/porchlight"
	loginPath = dataDir + "/initial-login.txt"
)

// span is one recorded span of GET /api/v1/cameras/{name}/recordings.
type span struct {
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
}

// configureNode edits the installed config as an admin would: the given name, and the UI and libp2p on
// free loopback ports with mDNS off (no traffic beyond loopback), added below the keys the package ships;
// then one camera "front" at cameraURL, written as the UI writes it. The file stays the porchlight
// user's. It returns the UI's address.
func (r *debRoot) configureNode(t *testing.T, name, cameraURL string) string {
	t.Helper()
	path := r.path(confPath)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	nameRE := regexp.MustCompile(`(?m)^name: .*$`)
	if !nameRE.Match(b) {
		t.Fatalf("config %s has no line matching %s", confPath, nameRE)
	}
	b = nameRE.ReplaceAll(b, []byte("name: "+strconv.Quote(name)))
	addr := fmt.Sprintf("127.0.0.1:%d", mediatest.FreePort(t))
	b = fmt.Appendf(b, "http:\n  listen: %s\np2p:\n  listen: [/ip4/127.0.0.1/tcp/%d]\n  mdns: false\n",
		addr, mediatest.FreePort(t))
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	cam := nvr.DefaultCamera()
	cam.Name, cam.URL = "front", cameraURL
	if err := nvr.UpdateCameras(path, []nvr.CameraConfig{cam}); err != nil {
		t.Fatal(err)
	}
	uid, gid := r.porchlightIDs(t)
	if err := os.Chown(path, uid, gid); err != nil {
		t.Fatal(err)
	}
	return addr
}

// porchlightIDs returns the uid and gid of the porchlight user in the root.
func (r *debRoot) porchlightIDs(t testing.TB) (uid, gid int) {
	t.Helper()
	f := strings.Split(strings.TrimSpace(r.run(t, "getent", "passwd", "porchlight")), ":")
	if len(f) < 7 {
		t.Fatalf("getent passwd porchlight: %q", f)
	}
	uid, _ = strconv.Atoi(f[2])
	gid, _ = strconv.Atoi(f[3])
	return uid, gid
}

// node is `porchlight serve` running in a root as the unit runs it: the ExecStart line as the porchlight
// user (no systemd in the root to start it).
type node struct {
	t      *testing.T
	r      *debRoot
	addr   string
	client *http.Client // reaches addr: in the host's network namespace, or the booted root's
	cmd    *exec.Cmd    // nil when systemd runs the node
	out    *syncBuffer
	done   chan error
}

// syncBuffer is the node's output, written by exec and read by the test while it runs.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startNode starts the node and waits (up to wait: longer under qemu) for /healthz to answer ok.
func (r *debRoot) startNode(t *testing.T, addr string, wait time.Duration) *node {
	t.Helper()
	n := &node{t: t, r: r, addr: addr, client: &http.Client{Timeout: 5 * time.Second}, out: new(syncBuffer), done: make(chan error, 1)}
	n.cmd = r.cmd(asPorchlight("/usr/bin/porchlight", "serve", "--config", confPath)...)
	n.cmd.Stdout, n.cmd.Stderr = n.out, n.out
	if err := n.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { n.done <- n.cmd.Wait() }()
	t.Cleanup(func() { n.stop() })
	testutil.WaitForState(t, wait, "/healthz of the installed node to answer ok", func() (bool, string) {
		select {
		case err := <-n.done:
			n.done <- err
			t.Fatalf("serve exited: %v\n%s", err, n.out)
		default:
		}
		return healthy(n.client, addr), n.out.String()
	})
	return n
}

// healthy reports whether GET /healthz answers 200 ok.
func healthy(c *http.Client, addr string) bool {
	resp, err := c.Get("http://" + addr + "/healthz")
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode == http.StatusOK && strings.TrimSpace(string(b)) == "ok"
}

// stop ends the node with SIGTERM, as systemd does, and waits for it.
func (n *node) stop() {
	if n.cmd == nil || n.cmd.Process == nil {
		return
	}
	_ = n.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-n.done:
	case <-time.After(30 * time.Second):
		_ = n.cmd.Process.Kill()
		<-n.done
		n.t.Errorf("serve did not stop within 30 s of SIGTERM\n%s", n.out)
	}
	n.cmd.Process = nil
}

// recordings returns the camera front's recorded spans of the last hour, read through the API with the
// node's token.
func (n *node) recordings() ([]span, error) {
	tok, err := os.ReadFile(n.r.path(dataDir + "/api.token"))
	if err != nil {
		return nil, err
	}
	now := time.Now().UTC()
	url := fmt.Sprintf("http://%s/api/v1/cameras/front/recordings?start=%s&end=%s", n.addr,
		now.Add(-time.Hour).Format(time.RFC3339), now.Add(time.Minute).Format(time.RFC3339))
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("Authorization", "Bearer "+strings.TrimSpace(string(tok)))
	resp, err := n.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("recordings: %s", resp.Status)
	}
	var spans []span
	return spans, json.NewDecoder(resp.Body).Decode(&spans)
}

// waitRecorded waits until front has a span of at least d and returns it.
func (n *node) waitRecorded(d, wait time.Duration) span {
	n.t.Helper()
	var got span
	testutil.WaitForState(n.t, wait, fmt.Sprintf("a recorded span of %v", d), func() (bool, string) {
		spans, err := n.recordings()
		if err != nil {
			return false, err.Error()
		}
		for _, s := range spans {
			if s.End.Sub(s.Start) >= d {
				got = s
				return true, ""
			}
		}
		return false, fmt.Sprintf("spans %v\n%s", spans, n.out)
	})
	return got
}

// exportClip runs `porchlight export` in the root as the porchlight user for [start, end) of front and
// checks the clip with the host's ffprobe and ffmpeg: an H.264 video stream, about as long as asked, that
// decodes without a message.
func (n *node) exportClip(start, end time.Time) {
	n.t.Helper()
	name := fmt.Sprintf("/tmp/clip-%d.mp4", time.Now().UnixNano())
	n.r.run(n.t, asPorchlight("porchlight", "export", "--config", confPath, "--camera", "front",
		"--start", start.Format(time.RFC3339Nano), "--end", end.Format(time.RFC3339Nano), "-o", name)...)
	p := mediatest.ProbeFile(n.t, n.r.path(name))
	v, ok := p.Stream("video")
	if !ok || v.CodecName != "h264" {
		n.t.Errorf("export %s: got streams %+v, want an h264 video stream", name, p.Streams)
	}
	if got, want := p.Duration(), end.Sub(start); got < want/2 || got > want+2*time.Second {
		n.t.Errorf("export %s: got duration %v, want about %v", name, got, want)
	}
	mediatest.DecodeClean(n.t, n.r.path(name))
}
