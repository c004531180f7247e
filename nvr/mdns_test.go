package nvr_test

import (
	"strings"
	"testing"
	"time"

	"github.com/porchlight/porchlight/internal/testutil"
)

// TestMDNSFindsMember: two homes on one LAN (network namespaces joined by a veth pair, where mDNS's
// multicast stays), in one hood. Both restart on new ports, so the addresses each remembered of the other
// are stale and there is no relay or third member to ask: only mDNS can bring them back together.
func TestMDNSFindsMember(t *testing.T) {
	requireNetns(t)
	removeStaleNetns(t)
	lanA, lanB := addNetns(t, "ma"), addNetns(t, "mb")
	veth(t, lanA, "ma0", "192.168.77.1/24", lanB, "mb0", "192.168.77.2/24")
	lan := func(cfg map[string]any) {
		p2p := subMap(cfg, "p2p")
		p2p["listen"] = []string{"/ip4/0.0.0.0/tcp/0"} // a new port on every start
		p2p["mdns"] = true
	}
	a := inNetns(newHoodNode(t, "lan-a", "household", lan), lanA)
	b := inNetns(newHoodNode(t, "lan-b", "household", lan), lanB)
	a.start(t)
	b.start(t)
	a.line(t, "hood create", "--name", "Cul-de-sac")
	b.cli(t, "hood join", a.line(t, "hood invite"))
	online := func(n *hoodNode, name string) func() (bool, string) {
		return func() (bool, string) {
			ms := n.members(t)
			for _, m := range ms {
				if m.Name == name && m.Online {
					return true, ""
				}
			}
			return false, strings.TrimSpace(n.cli(t, "hood members"))
		}
	}
	testutil.WaitForState(t, 20*time.Second, "lan-b to see lan-a online after joining", online(b, "lan-a"))
	before := map[string]string{"a": a.cli(t, "hood id"), "b": b.cli(t, "hood id")}

	a.stop(t)
	b.stop(t)
	a.start(t)
	b.start(t)
	if after := a.cli(t, "hood id"); after == before["a"] {
		t.Fatalf("lan-a listens where it did before the restart (%q): the test needs new addresses", after)
	}
	if after := b.cli(t, "hood id"); after == before["b"] {
		t.Fatalf("lan-b listens where it did before the restart (%q): the test needs new addresses", after)
	}
	testutil.WaitForState(t, 60*time.Second, "lan-b to find lan-a again by mDNS", online(b, "lan-a"))
	testutil.WaitForState(t, 60*time.Second, "lan-a to find lan-b again by mDNS", online(a, "lan-b"))
	posted := a.line(t, "alert post", "--text", "garage door left open at number 3")
	testutil.WaitForState(t, 20*time.Second, "lan-b to get lan-a's alert", func() (bool, string) {
		_, ok := b.alert(t, posted)
		return ok, ""
	})
}
