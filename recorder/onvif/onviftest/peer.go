// Package onviftest starts the third-party ONVIF device the tests of recorder/onvif and recorder talk to:
// the test server of the onvif npm package (agsh/onvif 0.6.5), which .ci/deps installs. Only tests import
// it.
package onviftest

import (
	"bufio"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/porchlight/porchlight/internal/testutil"
)

// The third-party peer of these tests is the ONVIF device that the onvif npm package (agsh/onvif) ships
// for its own tests, version 0.6.5, the last to ship its server: test/serverMockup.coffee answers SOAP
// with XML recorded from real cameras (device, media, events with a PullPoint whose PullMessages carry
// CellMotionDetector messages at random) and answers WS-Discovery probes on UDP 3702. Nobody here wrote
// it. .ci/deps installs it into peerDir.
const peerVersion = "0.6.5"

// PeerDir is where .ci/deps installs the peer, or the test is skipped (failed in CI).
func PeerDir(t testing.TB) string {
	t.Helper()
	cache := os.Getenv("XDG_CACHE_HOME")
	if cache == "" {
		home, _ := os.UserHomeDir()
		cache = filepath.Join(home, ".cache")
	}
	dir := filepath.Join(cache, "porchlight-testdata", "npm-onvif-"+peerVersion)
	_, err := os.Stat(filepath.Join(dir, "node_modules", "onvif", "test", "serverMockup.coffee"))
	_, nerr := exec.LookPath("node")
	if err == nil && nerr == nil {
		return dir
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("CI is set but the ONVIF peer is missing (run .ci/deps): %v %v", err, nerr)
	}
	t.Skipf("needs node and the onvif npm package's test server in %s (.ci/deps installs them)", dir)
	return ""
}

// FreePort returns a TCP port free on host now.
func FreePort(t testing.TB) int { t.Helper(); return testutil.FreePort(t) }

// StartPeer runs the peer with its device service at host:port, inside namespace ns when not "", and
// returns the device service URL once it answers. The process is ended by its PID at cleanup.
func StartPeer(t testing.TB, ns, host string, port int) string {
	t.Helper()
	dir := PeerDir(t)
	script := mockupScript()
	args := []string{"node", script}
	if ns != "" {
		args = append([]string{"ip", "netns", "exec", ns}, args...)
	}
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Env = append(os.Environ(), "NPMDIR="+dir, "HOSTNAME="+host, "PORT="+strconv.Itoa(port))
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	ready := make(chan bool, 1)
	go func() {
		s := bufio.NewScanner(out)
		for s.Scan() {
			if strings.TrimSpace(s.Text()) == "ready" {
				ready <- true
			}
		}
		close(ready)
	}()
	select {
	case ok := <-ready:
		if !ok {
			t.Fatal("the ONVIF peer exited before it was ready")
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the ONVIF peer did not start within 30s")
	}
	addr := net.JoinHostPort(host, strconv.Itoa(port))
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the ONVIF peer does not answer on %s: %v", addr, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	// Its discovery socket joins the group after it says ready: wait for the membership.
	for ns != "" {
		out, _ := exec.Command("ip", "netns", "exec", ns, "ip", "maddr", "show").Output()
		if strings.Contains(string(out), "239.255.255.250") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the ONVIF peer did not join the WS-Discovery group: %s", out)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return "http://" + addr + "/onvif/device_service"
}

// mockupScript is testdata/mockup.js of recorder/onvif, found from this file.
func mockupScript() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "testdata", "mockup.js")
}
