//go:build linux

package nvr_test

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

// netns is a network namespace made by addNetns; its name starts with natPrefix so that a later run can
// tell its leftovers from anyone else's.
type netns string

// natPrefix names this run's namespaces: plnat<pid>-. The pid lets removeStaleNetns see whether the run
// that made a namespace is still alive.
func natPrefix() string { return fmt.Sprintf("plnat%d-", os.Getpid()) }

var stalePrefix = regexp.MustCompile(`^plnat(\d+)-`)

// requireNetns skips the test with the reason when it cannot make namespaces here (not Linux, not root, no
// ip or nft). In CI, where .ci/deps installs the tools and the job runs as root, a missing piece is a
// failure rather than a skip nobody reads.
func requireNetns(t *testing.T) {
	t.Helper()
	var missing []string
	if os.Geteuid() != 0 {
		missing = append(missing, "root (network namespaces)")
	}
	for _, tool := range []string{"ip", "nft"} {
		if _, err := exec.LookPath(tool); err != nil {
			missing = append(missing, tool+" (Debian: iproute2 nftables; .ci/deps installs them)")
		}
	}
	if len(missing) == 0 {
		return
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("CI is set but this test needs %s", strings.Join(missing, ", "))
	}
	t.Skipf("needs %s", strings.Join(missing, ", "))
}

// removeStaleNetns deletes the namespaces, and ends the processes inside them, that earlier runs of this
// test left when they crashed before their cleanup ran: those with the plnat prefix whose pid is gone.
func removeStaleNetns(t *testing.T) {
	t.Helper()
	out, err := exec.Command("ip", "netns", "list").Output()
	if err != nil {
		t.Fatalf("ip netns list: %v", err)
	}
	for _, line := range strings.Split(string(out), "\n") {
		name, _, _ := strings.Cut(strings.TrimSpace(line), " ")
		m := stalePrefix.FindStringSubmatch(name)
		if m == nil {
			continue
		}
		pid, _ := strconv.Atoi(m[1])
		if _, err := os.Stat(fmt.Sprintf("/proc/%d", pid)); err == nil {
			continue // its run is still going (or the pid was reused: leave it alone)
		}
		t.Logf("removing namespace %s left by an earlier run", name)
		deleteNetns(t, netns(name))
	}
}

// addNetns makes the namespace natPrefix()+suffix with lo up and removes it when the test ends, after
// ending any process still inside it.
func addNetns(t *testing.T, suffix string) netns {
	t.Helper()
	n := netns(natPrefix() + suffix)
	mustRun(t, "ip", "netns", "add", string(n))
	t.Cleanup(func() { deleteNetns(t, n) })
	n.run(t, "ip", "link", "set", "lo", "up")
	return n
}

func deleteNetns(t *testing.T, n netns) {
	t.Helper()
	if out, err := exec.Command("ip", "netns", "pids", string(n)).Output(); err == nil {
		for _, f := range strings.Fields(string(out)) {
			// Never this process: a thread of it may have entered the namespace (netns.inside).
			if pid, err := strconv.Atoi(f); err == nil && pid != os.Getpid() {
				_ = syscall.Kill(pid, syscall.SIGKILL)
			}
		}
	}
	if out, err := exec.Command("ip", "netns", "del", string(n)).CombinedOutput(); err != nil {
		t.Errorf("ip netns del %s: %v: %s", n, err, out)
	}
}

// mustRun runs a command to completion and fails the test when it fails.
func mustRun(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// command returns a command that runs inside the namespace. `ip netns exec` execs the program without
// forking, so the process's pid is the program's and signals reach it.
func (n netns) command(name string, args ...string) *exec.Cmd {
	return exec.Command("ip", append([]string{"netns", "exec", string(n), name}, args...)...)
}

// run runs a command inside the namespace and fails the test when it fails.
func (n netns) run(t *testing.T, name string, args ...string) string {
	t.Helper()
	return mustRun(t, "ip", append([]string{"netns", "exec", string(n), name}, args...)...)
}

// nft loads an nftables ruleset into the namespace.
func (n netns) nft(t *testing.T, ruleset string) {
	t.Helper()
	cmd := n.command("nft", "-f", "-")
	cmd.Stdin = strings.NewReader(ruleset)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("nft in %s: %v\n%s\nruleset:\n%s", n, err, out, ruleset)
	}
}

// veth connects namespace a (interface ifA, address addrA in CIDR form, "" for none) with b.
func veth(t *testing.T, a netns, ifA, addrA string, b netns, ifB, addrB string) {
	t.Helper()
	mustRun(t, "ip", "link", "add", ifA, "netns", string(a), "type", "veth", "peer", "name", ifB, "netns", string(b))
	for _, end := range []struct {
		ns         netns
		ifc, cidrs string
	}{{a, ifA, addrA}, {b, ifB, addrB}} {
		if end.cidrs != "" {
			end.ns.run(t, "ip", "addr", "add", end.cidrs, "dev", end.ifc)
		}
		end.ns.run(t, "ip", "link", "set", end.ifc, "up")
	}
}

// inside calls f on an OS thread that has entered the namespace, so the sockets f opens live there (and
// keep working from any goroutine afterwards). The thread goes back to its own namespace before other
// goroutines may use it; if it cannot, it stays locked and the runtime retires it when the goroutine ends.
func (n netns) inside(f func() error) error {
	done := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		orig, err := os.Open("/proc/thread-self/ns/net")
		if err != nil {
			done <- err
			return
		}
		defer orig.Close()
		target, err := os.Open("/run/netns/" + string(n))
		if err != nil {
			done <- fmt.Errorf("open namespace %s: %w", n, err)
			return
		}
		defer target.Close()
		if err := unix.Setns(int(target.Fd()), unix.CLONE_NEWNET); err != nil {
			done <- fmt.Errorf("setns %s: %w", n, err)
			return
		}
		defer func() {
			if unix.Setns(int(orig.Fd()), unix.CLONE_NEWNET) == nil {
				runtime.UnlockOSThread()
			}
		}()
		done <- f()
	}()
	return <-done
}

// dial opens a connection from inside the namespace.
func (n netns) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	var c net.Conn
	err := n.inside(func() error {
		var err error
		c, err = (&net.Dialer{}).DialContext(ctx, network, addr)
		return err
	})
	return c, err
}

// listen opens a TCP listener inside the namespace that accepts and closes connections until the test
// ends. It returns the port and the remote addresses of the connections it accepted, as far as the
// channel's buffer holds them.
func (n netns) listen(t *testing.T, addr string) (ln net.Listener, port string, seen <-chan string) {
	t.Helper()
	if err := n.inside(func() error {
		var err error
		ln, err = net.Listen("tcp", addr)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ln.Close() })
	remotes := make(chan string, 16)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			select {
			case remotes <- c.RemoteAddr().String():
			default:
			}
			_ = c.Close()
		}
	}()
	_, port, _ = net.SplitHostPort(ln.Addr().String())
	return ln, port, remotes
}
