//go:build linux

package nvr_test

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	ma "github.com/multiformats/go-multiaddr"

	"github.com/porchlight/porchlight/internal/testutil"
)

// upnpRouterRules is a home router whose forward and NAT chains jump to the (empty) chains miniupnpd fills
// with a port mapping's accept and DNAT rules, as miniupnpd's nft_init.sh sets them up: without a mapping
// nothing new comes in from the WAN leg.
const upnpRouterRules = `
table inet miniupnpd {
	chain forward {
		type filter hook forward priority filter; policy accept;
		ct state established,related accept
		jump miniupnpd
		iifname "wan" drop
	}
	chain miniupnpd {
	}
	chain prerouting {
		type nat hook prerouting priority dstnat; policy accept;
		jump prerouting_miniupnpd
	}
	chain postrouting {
		type nat hook postrouting priority srcnat; policy accept;
		jump postrouting_miniupnpd
		oifname "wan" masquerade
	}
	chain prerouting_miniupnpd {
	}
	chain postrouting_miniupnpd {
	}
}
`

// miniupnpdConf is the gateway's config: UPnP IGD and NAT-PMP on the LAN leg, mappings only for the LAN's
// own hosts (secure_mode) on unprivileged ports, rules in the tables of upnpRouterRules.
const miniupnpdConf = `ext_ifname=wan
listening_ip=lan
enable_upnp=yes
enable_natpmp=yes
secure_mode=yes
system_uptime=no
uuid=3f0a6c3e-5c1b-4d27-9b52-0c5b7e1d7a01
upnp_table_name=miniupnpd
upnp_nat_table_name=miniupnpd
upnp_forward_chain=miniupnpd
upnp_nat_chain=prerouting_miniupnpd
upnp_nat_postrouting_chain=postrouting_miniupnpd
allow 1024-65535 192.168.78.0/24 1024-65535
deny 0-65535 0.0.0.0/0 0-65535
`

const upnpWANIP = "7.78.0.1" // the router's WAN address; 7/8 because miniupnpd refuses a private one

// requireMiniupnpd skips the test when miniupnpd is missing, like requireNetns (a failure in CI).
func requireMiniupnpd(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("miniupnpd")
	if err != nil {
		path = "/usr/sbin/miniupnpd" // Debian puts it in sbin, which a user's PATH may lack
		if _, err := os.Stat(path); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatal("CI is set but this test needs miniupnpd (Debian: miniupnpd-nftables; .ci/deps installs it)")
			}
			t.Skip("needs miniupnpd (Debian: miniupnpd-nftables)")
		}
	}
	return path
}

// TestUPnPPortMapping puts a home behind a router that runs miniupnpd: with p2p.upnp the home asks the
// router for a port mapping, lists the router's WAN address among its own, and a connection from the
// internet to that address reaches the home's libp2p listener although the router drops anything else.
func TestUPnPPortMapping(t *testing.T) {
	requireNetns(t)
	daemon := requireMiniupnpd(t)
	removeStaleNetns(t)
	inet, router, home := addNetns(t, "ui"), addNetns(t, "ur"), addNetns(t, "uh")
	veth(t, router, "wan", upnpWANIP+"/24", inet, "eth0", "7.78.0.2/24")
	veth(t, home, "eth0", "192.168.78.10/24", router, "lan", "192.168.78.1/24")
	router.run(t, "sysctl", "-qw", "net.ipv4.ip_forward=1")
	home.run(t, "ip", "route", "add", "default", "via", "192.168.78.1")
	router.nft(t, upnpRouterRules)

	dir := t.TempDir()
	conf := filepath.Join(dir, "miniupnpd.conf")
	if err := os.WriteFile(conf, []byte(miniupnpdConf), 0o600); err != nil {
		t.Fatal(err)
	}
	logPath := filepath.Join(dir, "miniupnpd.log")
	logf, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	gw := router.command(daemon, "-d", "-f", conf, "-P", filepath.Join(dir, "miniupnpd.pid"))
	gw.Stdout, gw.Stderr = logf, logf
	if err := gw.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = gw.Process.Kill()
		_ = gw.Wait()
		_ = logf.Close()
		if t.Failed() {
			b, _ := os.ReadFile(logPath)
			t.Logf("miniupnpd log:\n%s", b)
		}
	})

	n := inNetns(newHoodNode(t, "upnp-home", "household", func(cfg map[string]any) {
		p2p := subMap(cfg, "p2p")
		p2p["listen"] = []string{"/ip4/0.0.0.0/tcp/0"}
		p2p["upnp"], p2p["mdns"] = true, false
		p2p["reachability"] = "auto"
	}), home)
	began := time.Now()
	n.start(t)

	var mapped string // host:port on the router's WAN address
	testutil.WaitForState(t, 60*time.Second, "upnp-home to list an address on the router's WAN IP", func() (bool, string) {
		out := n.cli(t, "hood id", "--json")
		var id struct{ Addrs []string }
		if err := json.Unmarshal([]byte(out), &id); err != nil {
			return false, out
		}
		for _, s := range id.Addrs {
			a, err := ma.NewMultiaddr(s)
			if err != nil {
				continue
			}
			ip, _ := a.ValueForProtocol(ma.P_IP4)
			port, err := a.ValueForProtocol(ma.P_TCP)
			if ip == upnpWANIP && err == nil {
				mapped = net.JoinHostPort(ip, port)
				return true, ""
			}
		}
		return false, out
	})
	t.Logf("upnp-home listed %s %s after it started", mapped, time.Since(began).Round(100*time.Millisecond))

	// The mapping must be the router's doing: a port nobody mapped stays shut from outside.
	if err := dialFrom(inet, net.JoinHostPort(upnpWANIP, "1")); err == nil {
		t.Fatalf("a connection from the internet to %s:1 succeeded, want it refused without a mapping", upnpWANIP)
	}
	if greeting := libp2pGreeting(t, inet, mapped); !strings.Contains(greeting, "/multistream/1.0.0") {
		t.Fatalf("the mapped address %s greeted a connection from the internet with %q, want libp2p's "+
			"/multistream/1.0.0", mapped, greeting)
	}
	rules := router.run(t, "nft", "list", "chain", "inet", "miniupnpd", "prerouting_miniupnpd")
	if !strings.Contains(rules, "192.168.78.10") {
		t.Errorf("router's DNAT chain has no rule for the home:\n%s", rules)
	}
	n.stop(t)
}

// libp2pGreeting connects from ns to addr and returns what the listener sends first: a libp2p TCP
// listener opens with its multistream-select header, so this tells it from anything else that accepts.
func libp2pGreeting(t *testing.T, ns netns, addr string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := ns.dial(ctx, "tcp", addr)
	if err != nil {
		t.Fatalf("connecting from %s to %s: %v", ns, addr, err)
	}
	defer c.Close()
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	b := make([]byte, 64)
	k, _ := io.ReadAtLeast(c, b, 20) // a length byte and "/multistream/1.0.0\n"
	return string(b[:k])
}
