//go:build linux

package nvr_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/porchlight/porchlight/internal/testutil"
	"github.com/porchlight/porchlight/recorder/democam"
	"github.com/porchlight/porchlight/recorder/mediatest"
)

// The addresses of natNet. The "internet" must use addresses libp2p counts as public: a relay's circuit
// addresses are advertised only through its public addresses, and 10/8 is private. 7.77.0.0/24 exists only
// inside the test's namespaces, which have no link to the machine's network. The carrier routes each home's
// private range to its router so that what keeps outsiders out is the router's firewall, as at a real home,
// not a missing route.
const (
	fedIP   = "7.77.0.10"
	homeAIP = "192.168.71.10"
	homeBIP = "192.168.72.10"
)

// natNet is a small internet in namespaces: a bridge ("inet", 7.77.0.0/24) with a federation node on it and
// two home routers, each masquerading a home's LAN (192.168.71.0/24, 192.168.72.0/24) behind its WAN
// address (7.77.0.2, 7.77.0.3) and dropping new connections from outside, like a home router.
type natNet struct {
	inet, fed, routerA, routerB, homeA, homeB netns
}

// routerRules is a home router: masquerade on the WAN leg, nothing new comes in. The counters tell traffic
// into the LAN from the federation node (fed_in: its own and what it relays) from traffic that comes
// straight from another home's router (peer_in: a hole-punched connection).
const routerRules = `
table ip nat {
	chain postrouting {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "wan" masquerade
	}
}
table inet filter {
	counter fed_in {}
	counter peer_in {}
	counter dropped {}
	chain forward {
		type filter hook forward priority filter; policy accept;
		iifname "wan" ct state established,related ip saddr ` + fedIP + ` counter name fed_in accept
		iifname "wan" ct state established,related counter name peer_in accept
		ct state established,related accept
		iifname "wan" counter name dropped drop
	}
}
`

func newNATNet(t *testing.T) *natNet {
	t.Helper()
	n := &natNet{inet: addNetns(t, "i"), fed: addNetns(t, "f"), routerA: addNetns(t, "ra"),
		routerB: addNetns(t, "rb"), homeA: addNetns(t, "ha"), homeB: addNetns(t, "hb")}
	n.inet.run(t, "ip", "link", "add", "br0", "type", "bridge")
	n.inet.run(t, "ip", "addr", "add", "7.77.0.1/24", "dev", "br0")
	n.inet.run(t, "ip", "link", "set", "br0", "up")
	n.inet.run(t, "sysctl", "-qw", "net.ipv4.ip_forward=1")
	veth(t, n.fed, "eth0", fedIP+"/24", n.inet, "fed", "")
	n.inet.run(t, "ip", "link", "set", "fed", "master", "br0")
	n.fed.run(t, "ip", "route", "add", "default", "via", "7.77.0.1")
	for _, s := range []struct {
		router, home netns
		port, wan    string // the router's port on the bridge, its WAN address
		lan          string // the LAN's first three octets
	}{{n.routerA, n.homeA, "ra", "7.77.0.2", "192.168.71"}, {n.routerB, n.homeB, "rb", "7.77.0.3", "192.168.72"}} {
		veth(t, s.router, "wan", s.wan+"/24", n.inet, s.port, "")
		n.inet.run(t, "ip", "link", "set", s.port, "master", "br0")
		n.inet.run(t, "ip", "route", "add", s.lan+".0/24", "via", s.wan)
		s.router.run(t, "ip", "route", "add", "default", "via", "7.77.0.1")
		s.router.run(t, "sysctl", "-qw", "net.ipv4.ip_forward=1")
		s.router.nft(t, routerRules)
		veth(t, s.home, "eth0", s.lan+".10/24", s.router, "lan", s.lan+".1/24")
		s.home.run(t, "ip", "route", "add", "default", "via", s.lan+".1")
		// A little latency makes the paths look like the internet; kernels without sch_netem lack it.
		if out, err := s.router.command("tc", "qdisc", "add", "dev", "wan", "root", "netem", "delay", "10ms").
			CombinedOutput(); err != nil {
			t.Logf("no netem delay on %s's WAN leg: %v %s", s.router, err, strings.TrimSpace(string(out)))
		}
	}
	return n
}

// check proves the topology does what the test relies on: the homes reach the federation node from their
// routers' addresses, and nothing reaches into a home from outside, the other home included.
func (n *natNet) check(t *testing.T) {
	t.Helper()
	_, fedPort, seen := n.fed.listen(t, "0.0.0.0:0")
	for _, s := range []struct {
		home netns
		wan  string
	}{{n.homeA, "7.77.0.2"}, {n.homeB, "7.77.0.3"}} {
		if err := dialFrom(s.home, net.JoinHostPort(fedIP, fedPort)); err != nil {
			t.Fatalf("%s cannot reach the federation node: %v", s.home, err)
		}
		select {
		case from := <-seen:
			if !strings.HasPrefix(from, s.wan+":") {
				t.Errorf("federation node saw %s's connection from %s, want the router's address %s", s.home, from, s.wan)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("federation node did not accept %s's connection", s.home)
		}
	}
	_, bPort, _ := n.homeB.listen(t, "0.0.0.0:0")
	if err := dialFrom(n.routerB, net.JoinHostPort(homeBIP, bPort)); err != nil {
		t.Fatalf("home B's listener is not reachable from its own router: %v", err)
	}
	for _, from := range []netns{n.homeA, n.fed} {
		if err := dialFrom(from, net.JoinHostPort(homeBIP, bPort)); err == nil {
			t.Fatalf("%s opened a connection into home B, want it dropped by home B's router", from)
		}
	}
}

// dialFrom opens and closes a TCP connection from inside ns, giving up after 2 s.
func dialFrom(ns netns, addr string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	c, err := ns.dial(ctx, "tcp", addr)
	if err == nil {
		_ = c.Close()
	}
	return err
}

// counter reads an nftables counter of a router: the bytes it has counted.
func counter(t *testing.T, router netns, name string) int64 {
	t.Helper()
	out := router.run(t, "nft", "list", "counter", "inet", "filter", name)
	m := regexp.MustCompile(`bytes (\d+)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("nft list counter %s in %s: no byte count in %q", name, router, out)
	}
	b, _ := strconv.ParseInt(m[1], 10, 64)
	return b
}

// inNetns moves a node made by newHoodNode into ns: serve and the CLI run there, and API requests are
// dialled from there, since 127.0.0.1 is the namespace's own loopback.
func inNetns(n *hoodNode, ns netns) *hoodNode {
	n.exec = ns.command
	n.client = &http.Client{Transport: &http.Transport{DialContext: ns.dial}}
	return n
}

// TestNATCameraHelper is home A's camera in TestNATNeighborhood: started inside home A's namespace, it
// serves the demo camera on PORCHLIGHT_NAT_CAMERA, prints "ready URL" and runs until stdin closes. It does
// nothing in a normal test run.
func TestNATCameraHelper(t *testing.T) {
	addr := os.Getenv("PORCHLIGHT_NAT_CAMERA")
	if addr == "" {
		t.Skip("helper process for TestNATNeighborhood")
	}
	cam := &democam.Server{Addr: addr}
	if err := cam.Start(); err != nil {
		t.Fatal(err)
	}
	defer cam.Close()
	fmt.Println("ready", cam.URL())
	_, _ = io.Copy(io.Discard, os.Stdin)
}

// startNATCamera runs TestNATCameraHelper inside ns and returns the camera's URL.
func startNATCamera(t *testing.T, ns netns) string {
	t.Helper()
	cmd := ns.command(os.Args[0], "-test.run=^TestNATCameraHelper$", "-test.count=1")
	cmd.Env = append(os.Environ(), fmt.Sprintf("PORCHLIGHT_NAT_CAMERA=127.0.0.1:%d", mediatest.FreePort(t)))
	cmd.Stderr = os.Stderr
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = stdin.Close(); _ = cmd.Process.Kill(); _ = cmd.Wait() })
	line, _ := bufio.NewReader(stdout).ReadString('\n')
	url, ok := strings.CutPrefix(strings.TrimSpace(line), "ready ")
	if !ok {
		t.Fatalf("camera helper printed %q, want \"ready URL\"", line)
	}
	go func() { _, _ = io.Copy(io.Discard, stdout) }()
	return url
}

// TestNATNeighborhood runs a federation node on the "internet" and two households behind NAT routers, each
// in its own network namespace: the households join the neighborhood through the federation node, swap
// alerts, and B fetches a clip from A's camera although neither can open a connection to the other.
func TestNATNeighborhood(t *testing.T) {
	requireNetns(t)
	mediatest.Require(t, "ffmpeg", "ffprobe")
	removeStaleNetns(t)
	nw := newNATNet(t)
	nw.check(t)
	camURL := startNATCamera(t, nw.homeA)

	fed := inNetns(newHoodNode(t, "fed", "agency", func(cfg map[string]any) {
		p2p := subMap(cfg, "p2p")
		p2p["listen"] = []string{"/ip4/0.0.0.0/tcp/7481", "/ip4/0.0.0.0/udp/7481/quic-v1"}
		p2p["reachability"] = "public"
	}), nw.fed)
	home := func(cameras []map[string]any) func(cfg map[string]any) {
		return func(cfg map[string]any) {
			p2p := subMap(cfg, "p2p")
			p2p["listen"] = []string{"/ip4/0.0.0.0/tcp/0", "/ip4/0.0.0.0/udp/0/quic-v1"}
			p2p["reachability"] = "private"
			if cameras != nil {
				cfg["cameras"] = cameras
			}
		}
	}
	a := inNetns(newHoodNode(t, "home-a", "household", home(
		[]map[string]any{{"name": "front", "url": camURL}})), nw.homeA)
	b := inNetns(newHoodNode(t, "home-b", "household", home(nil)), nw.homeB)
	nodes := []*hoodNode{fed, a, b}
	for _, n := range nodes {
		n.start(t)
	}

	var id struct {
		ID    string   `json:"id"`
		Addrs []string `json:"addrs"`
	}
	if out := fed.cli(t, "hood id", "--json"); json.Unmarshal([]byte(out), &id) != nil || id.ID == "" {
		t.Fatalf("fed: hood id --json printed %q, want {\"id\":...,\"addrs\":[...]}", out)
	}
	via := ""
	for _, addr := range id.Addrs {
		if strings.HasPrefix(addr, "/ip4/"+fedIP+"/tcp/7481") && strings.HasSuffix(addr, "/p2p/"+id.ID) {
			via = addr
		}
	}
	if via == "" {
		t.Fatalf("fed: hood id lists %q, want /ip4/%s/tcp/7481/p2p/%s among them", id.Addrs, fedIP, id.ID)
	}

	a.line(t, "hood create", "--name", "Maple Court")
	fed.cli(t, "hood join", a.line(t, "hood invite", "--role", "agency", "--via", via))
	// With the federation node a member, A reserves a slot on its relay, and from then on A's invites carry
	// the circuit address B needs to reach A.
	began := time.Now()
	testutil.WaitForState(t, 60*time.Second, "home-a to hold a relay reservation on the federation node", func() (bool, string) {
		out := a.cli(t, "hood id", "--json")
		return strings.Contains(out, "/p2p/"+id.ID+"/p2p-circuit/"), out
	})
	t.Logf("home-a had a circuit address through the federation node %s after fed joined",
		time.Since(began).Round(100*time.Millisecond))
	b.cli(t, "hood join", a.line(t, "hood invite", "--via", via))
	want := map[string]hoodMember{
		fed.id(t): {Name: "fed", Role: "agency"},
		a.id(t):   {Name: "home-a", Role: "household", Steward: true},
		b.id(t):   {Name: "home-b", Role: "household"},
	}
	for _, n := range nodes {
		testutil.WaitForState(t, 30*time.Second, n.name+" to list all 3 members", func() (bool, string) {
			got := n.members(t)
			err := checkRoster(got, want, n.id(t))
			return err == nil, fmt.Sprintf("%v (%+v)", err, got)
		})
	}

	for _, s := range []struct{ from, to *hoodNode }{{a, b}, {b, a}} {
		text := "an alert from " + s.from.name
		posted := s.from.line(t, "alert post", "--text", text)
		testutil.WaitForState(t, 20*time.Second, s.to.name+" to list "+s.from.name+"'s alert", func() (bool, string) {
			got, ok := s.to.alert(t, posted)
			return ok && got.Text == text, fmt.Sprintf("%+v", got)
		})
	}

	start, end := recordedRange(t, a, 4*time.Second)
	posted := a.line(t, "alert post", "--text", "someone tried the car doors", "--camera", "front",
		"--start", start.Format(time.RFC3339Nano), "--end", end.Format(time.RFC3339Nano))
	testutil.WaitForState(t, 20*time.Second, "home-b to list the alert with its clip", func() (bool, string) {
		got, ok := b.alert(t, posted)
		return ok && got.Clip != nil, fmt.Sprintf("%+v", got)
	})
	if got, _ := b.alert(t, posted); got.Clip.Camera != "front" || got.Clip.Size <= 0 ||
		got.Clip.Start.Sub(start).Abs() > time.Second || got.Clip.End.Sub(end).Abs() > time.Second {
		t.Errorf("home-b: got clip %+v, want camera front from %s to %s with a size", *got.Clip, start, end)
	}

	fedIn, peerIn := counter(t, nw.routerB, "fed_in"), counter(t, nw.routerB, "peer_in")
	out := filepath.Join(t.TempDir(), "clip.mp4")
	b.cli(t, "alert clip", posted, "-o", out)
	fedIn, peerIn = counter(t, nw.routerB, "fed_in")-fedIn, counter(t, nw.routerB, "peer_in")-peerIn
	st, err := os.Stat(out)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("clip of %d bytes; during the fetch home B's router let in %d bytes from the federation node "+
		"(relayed) and %d bytes straight from home A's router (hole-punched)", st.Size(), fedIn, peerIn)
	if fedIn+peerIn < st.Size() {
		t.Errorf("only %d bytes crossed home B's router during the fetch of a %d byte clip", fedIn+peerIn, st.Size())
	}
	for _, m := range b.members(t) {
		if m.Name == "home-a" {
			t.Logf("home-b's members --json: home-a online %v, relayed %v", m.Online, m.Relayed)
		}
	}
	p := mediatest.ProbeFile(t, out)
	if _, ok := p.Stream("video"); !ok {
		t.Errorf("clip has streams %+v, want a video stream", p.Streams)
	}
	if d := p.Duration(); (d - end.Sub(start)).Abs() > 500*time.Millisecond {
		t.Errorf("clip lasts %s, want %s ± 0.5s", d, end.Sub(start))
	}
	mediatest.DecodeClean(t, out)

	var wg sync.WaitGroup
	for _, n := range nodes {
		wg.Go(func() { n.stop(t) })
	}
	wg.Wait()
}

// recordedRange waits until n records its camera "front" and returns a range of length d that is on disk,
// ending a second ago.
func recordedRange(t *testing.T, n *hoodNode, d time.Duration) (start, end time.Time) {
	t.Helper()
	testutil.WaitForState(t, 30*time.Second, n.name+"'s camera to record", func() (bool, string) {
		var cams []struct{ Name, State string }
		b := n.get(t, "/api/v1/cameras")
		_ = json.Unmarshal(b, &cams)
		return len(cams) == 1 && cams[0].Name == "front" && cams[0].State == "recording", string(b)
	})
	end = time.Now().Add(-time.Second)
	start = end.Add(-d)
	testutil.WaitForState(t, 30*time.Second, fmt.Sprintf("%s to have %s..%s on disk", n.name, start, end), func() (bool, string) {
		var spans []struct{ Start, End time.Time }
		b := n.get(t, "/api/v1/cameras/front/recordings")
		_ = json.Unmarshal(b, &spans)
		for _, s := range spans {
			if !s.Start.After(start) && !s.End.Before(end) {
				return true, ""
			}
		}
		if len(spans) > 0 && spans[0].Start.After(start) { // recording began later: move the range
			end = time.Now().Add(-time.Second)
			start = end.Add(-d)
		}
		return false, string(b)
	})
	return start, end
}
