//go:build linux

package onviftest

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// CamNet is a network namespace holding a camera, joined to this namespace by a veth pair: the camera
// side is CamIP on its own /30, this side HostIF with HostIP. Multicast of the namespace goes out on its
// veth, so a WS-Discovery probe sent on HostIF reaches it and nothing else.
type CamNet struct {
	NS, HostIF, CamIP, HostIP string
}

// NewCamNet makes a CamNet named after this process, deleted at cleanup; it skips the test when it
// cannot (not root, no ip), and fails it in CI.
func NewCamNet(t testing.TB) CamNet {
	t.Helper()
	if _, err := exec.LookPath("ip"); err != nil || os.Geteuid() != 0 {
		if os.Getenv("CI") != "" {
			t.Fatal("CI is set but this test needs root and ip (iproute2) for a network namespace")
		}
		t.Skip("needs root and ip (iproute2) for a network namespace")
	}
	pid := os.Getpid()
	n := CamNet{NS: fmt.Sprintf("plonvif%d", pid), HostIF: fmt.Sprintf("plov%dh", pid%10000000),
		CamIP: fmt.Sprintf("100.127.%d.1", pid%250), HostIP: fmt.Sprintf("100.127.%d.2", pid%250)}
	camIF := fmt.Sprintf("plov%dc", pid%10000000)
	run := func(args ...string) {
		t.Helper()
		if out, err := exec.Command(args[0], args[1:]...).CombinedOutput(); err != nil {
			t.Fatalf("%s: %v: %s", strings.Join(args, " "), err, out)
		}
	}
	_ = exec.Command("ip", "link", "del", n.HostIF).Run() // a crashed run's leftovers
	_ = exec.Command("ip", "netns", "del", n.NS).Run()
	run("ip", "netns", "add", n.NS)
	t.Cleanup(func() {
		_ = exec.Command("ip", "link", "del", n.HostIF).Run()
		_ = exec.Command("ip", "netns", "del", n.NS).Run()
	})
	run("ip", "link", "add", n.HostIF, "type", "veth", "peer", "name", camIF, "netns", n.NS)
	run("ip", "addr", "add", n.HostIP+"/30", "dev", n.HostIF)
	run("ip", "link", "set", n.HostIF, "up")
	in := func(args ...string) { run(append([]string{"ip", "netns", "exec", n.NS}, args...)...) }
	in("ip", "link", "set", "lo", "up")
	in("ip", "addr", "add", n.CamIP+"/30", "dev", camIF)
	in("ip", "link", "set", camIF, "up")
	in("ip", "route", "add", "224.0.0.0/4", "dev", camIF)
	return n
}
