package debpkg

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/porchlight/porchlight/internal/testutil"
	"github.com/porchlight/porchlight/recorder/mediatest"
)

// TestSystemdAmd64 installs the amd64 package into a Debian root booted with systemd as its PID 1
// (systemd-nspawn --boot, a network namespace of its own with only loopback): postinst enables and starts
// the hardened unit on the shipped config, `systemctl is-active porchlight` says active and /healthz
// answers on the default address; a camera added through the API (as the UI adds it) is written to
// /etc/porchlight/porchlight.yml by the service itself and recorded into /var/lib/porchlight, which the
// unit's ProtectSystem=strict allows only through its ReadWritePaths; `systemctl restart porchlight` comes
// back with that recording. It skips, saying why, where systemd cannot boot in a container here.
func TestSystemdAmd64(t *testing.T) {
	requireRootAndTools(t, "mmdebstrap", "systemd-nspawn", "nsenter", "tar")
	deb := debFor(t, testV1, "amd64")
	r := bootedRoot(t)
	netns := fmt.Sprintf("/proc/%d/ns/net", r.pid1)
	camera := mediatest.StartGstCameraIn(t, netns) + "/h264"

	start := time.Now()
	out := r.install(t, deb)
	t.Logf("dpkg -i %s:\n%s", deb, out)
	n := &node{t: t, r: r, addr: "127.0.0.1:7480", client: netnsClient(r.pid1), out: new(syncBuffer)}
	testutil.WaitForState(t, 60*time.Second, "/healthz of the service systemd started to answer ok", func() (bool, string) {
		return healthy(n.client, n.addr), r.journal()
	})
	t.Logf("figure: dpkg -i to /healthz answering ok (amd64 root booted with systemd, unit started by postinst): %v",
		time.Since(start).Round(10*time.Millisecond))
	checkFirstInstall(t, r, out, testV1)
	if got := strings.TrimSpace(r.run(t, "systemctl", "is-active", "porchlight")); got != "active" {
		t.Errorf("systemctl is-active porchlight: got %q, want active\n%s", got, r.journal())
	}

	n.addCamera("front", camera)
	uid, _ := r.porchlightIDs(t)
	checkOwnerMode(t, r.path(confPath), 0o600, uid) // written by the service, as the porchlight user
	if conf := string(readFile(t, r.path(confPath))); !strings.Contains(conf, camera) {
		t.Errorf("%s after adding a camera through the API: want its URL %s, got:\n%s", confPath, camera, conf)
	}
	rec := n.waitRecorded(6*time.Second, 90*time.Second)

	r.run(t, "systemctl", "restart", "porchlight")
	testutil.WaitForState(t, 60*time.Second, "/healthz to answer ok after systemctl restart", func() (bool, string) {
		return healthy(n.client, n.addr), r.journal()
	})
	if got := strings.TrimSpace(r.run(t, "systemctl", "is-active", "porchlight")); got != "active" {
		t.Errorf("after restart: systemctl is-active porchlight: got %q, want active", got)
	}
	spans, err := n.recordings()
	if err != nil {
		t.Fatal(err)
	}
	if !covered(spans, rec) {
		t.Errorf("after systemctl restart: got spans %v, want one covering the recording made before it %v", spans, rec)
	}
}

// bootedRoot extracts a bookworm root with systemd and boots it with systemd-nspawn in a network namespace
// of its own, waiting until `systemctl is-system-running --wait` says running (or degraded, with the
// failed units logged). The container is powered off when the test ends. Where it cannot boot (no
// systemd-nspawn that works in this container or kernel) the test skips with nspawn's output, or fails in
// CI.
func bootedRoot(t *testing.T) *debRoot {
	t.Helper()
	r := extractDebRoot(t, "bookworm-amd64-systemd", "amd64", "systemd", "systemd-sysv", "dbus")
	// --keep-unit and --register=no: no systemd or machined on the host to ask for a scope.
	nspawn := exec.Command("systemd-nspawn", "--quiet", "--boot", "--directory="+r.dir, "--private-network",
		"--register=no", "--keep-unit", "--machine=porchlight-test-"+strconv.Itoa(os.Getpid()))
	console := new(syncBuffer)
	nspawn.Stdout, nspawn.Stderr = console, console
	if err := nspawn.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- nspawn.Wait() }()
	t.Cleanup(func() {
		_ = nspawn.Process.Signal(syscall.SIGTERM) // nspawn asks the container's systemd to power off
		select {
		case <-exited:
		case <-time.After(60 * time.Second):
			_ = nspawn.Process.Kill()
			<-exited
			t.Errorf("the booted root did not power off within 60 s of SIGTERM\n%s", console)
		}
	})
	cannot := func(format string, args ...any) {
		t.Helper()
		msg := fmt.Sprintf(format, args...) + "\nsystemd-nspawn's output:\n" + console.String()
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip("systemd cannot boot in a container here: " + msg)
	}
	deadline := time.Now().Add(2 * time.Minute)
	for r.pid1 == 0 {
		select {
		case err := <-exited:
			exited <- err
			cannot("systemd-nspawn exited: %v", err)
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			cannot("no systemd in the container after 2 minutes")
		}
		r.pid1 = containerInit(nspawn.Process.Pid)
	}
	// Until systemd listens, systemctl fails at once with nothing on stdout: ask again.
	var state, errs string
	for state == "" || state == "offline" || state == "unknown" {
		if time.Now().After(deadline) {
			cannot("systemctl is-system-running --wait: got %q after 2 minutes: %s", state, errs)
		}
		ctx, cancel := context.WithDeadline(context.Background(), deadline)
		c := r.cmd("systemctl", "is-system-running", "--wait")
		wait := exec.CommandContext(ctx, c.Path, c.Args[1:]...)
		wait.Env = c.Env
		var stderr bytes.Buffer
		wait.Stderr = &stderr
		out, _ := wait.Output()
		cancel()
		state, errs = strings.TrimSpace(string(out)), stderr.String()
		if state == "" {
			time.Sleep(200 * time.Millisecond)
		}
	}
	switch state {
	case "running":
	case "degraded":
		t.Logf("the booted root is degraded; failed units:\n%s", r.run(t, "systemctl", "--failed", "--no-legend"))
	default:
		cannot("systemctl is-system-running --wait: %q %s", state, errs)
	}
	return r
}

// containerInit returns the host pid of the container's PID 1, nspawn's child whose pid in its own pid
// namespace is 1, or 0 while there is none.
func containerInit(nspawn int) int {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", nspawn, nspawn))
	if err != nil {
		return 0
	}
	for _, f := range strings.Fields(string(b)) {
		status, err := os.ReadFile(filepath.Join("/proc", f, "status"))
		if err != nil {
			continue
		}
		for _, l := range strings.Split(string(status), "\n") {
			if ids, ok := strings.CutPrefix(l, "NSpid:"); ok {
				if fs := strings.Fields(ids); len(fs) == 2 && fs[1] == "1" {
					pid, _ := strconv.Atoi(fs[0])
					return pid
				}
			}
		}
	}
	return 0
}

// journal is the unit's journal in the booted root, for failure messages.
func (r *debRoot) journal() string {
	out, _ := r.cmd("journalctl", "--no-pager", "-u", "porchlight", "-n", "50").CombinedOutput()
	return string(out)
}

// netnsClient is an HTTP client whose connections are made in the network namespace of pid: each dial
// runs on an OS thread of its own moved there, which ends with its goroutine (it stays locked).
func netnsClient(pid int) *http.Client {
	dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
		type result struct {
			c   net.Conn
			err error
		}
		ch := make(chan result, 1)
		go func() {
			runtime.LockOSThread() // never unlocked: the thread is not reused outside this goroutine
			ns, err := os.Open(fmt.Sprintf("/proc/%d/ns/net", pid))
			if err != nil {
				ch <- result{nil, err}
				return
			}
			defer ns.Close()
			if err := unix.Setns(int(ns.Fd()), unix.CLONE_NEWNET); err != nil {
				ch <- result{nil, fmt.Errorf("setns to the network namespace of %d: %w", pid, err)}
				return
			}
			c, err := new(net.Dialer).DialContext(ctx, network, addr)
			ch <- result{c, err}
		}()
		res := <-ch
		return res.c, res.err
	}
	return &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DialContext: dial, DisableKeepAlives: true}}
}

// addCamera adds a camera through POST /api/v1/config/cameras with the node's token, as the UI does.
func (n *node) addCamera(name, url string) {
	n.t.Helper()
	body, err := json.Marshal(map[string]any{"name": name, "url": url})
	if err != nil {
		n.t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPost, "http://"+n.addr+"/api/v1/config/cameras", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+strings.TrimSpace(string(readFile(n.t, n.r.path(dataDir+"/api.token")))))
	req.Header.Set("Content-Type", "application/json")
	resp, err := n.client.Do(req)
	if err != nil {
		n.t.Fatal(err)
	}
	defer resp.Body.Close()
	var msg bytes.Buffer
	_, _ = msg.ReadFrom(resp.Body)
	if resp.StatusCode != http.StatusCreated {
		n.t.Fatalf("POST /api/v1/config/cameras: got %s %s, want 201\n%s", resp.Status, msg.String(), n.r.journal())
	}
}
