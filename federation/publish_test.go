package federation

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/porchlight/porchlight/internal/testutil"
)

// An alert posted the moment a neighbor reappears on the topic, before gossipsub's next heartbeat has put
// it in the mesh, still reaches it within seconds, not at the next periodic sync (an hour here). Gossipsub
// v0.19 publishes only to mesh peers, so such an alert went by no gossip and missed the sync that runs when
// the member appears: two homes that restart together on a LAN and post at once lost it for minutes.
func TestAlertPostedBeforeMeshFormsArrives(t *testing.T) {
	slow := func(c *Config) { c.SyncInterval = time.Hour }
	a := testNode(t, "Elm 2", slow)
	cfgB := testConfig(t, "Elm 4", slow)
	b, stopB := runNode(t, cfgB)
	h, err := a.CreateHood("Elm Street")
	if err != nil {
		t.Fatal(err)
	}
	join(t, a, b, "household")
	waitMembers(t, h.ID, 2, a, b)
	waitOnline(t, a, b)
	onTopic := func(p *Node) bool {
		a.mu.RLock()
		defer a.mu.RUnlock()
		return slices.Contains(a.hoods[h.ID].topic.ListPeers(), p.ID())
	}
	for round := range 3 { // each round is a fresh connection, so a fresh chance to post before the mesh
		stopB()
		testutil.WaitFor(t, 10*time.Second, "a to see b leave the topic", func() bool { return !onTopic(b) })
		b, stopB = runNode(t, cfgB) // b dials a from the addresses it remembered on joining
		testutil.WaitFor(t, 20*time.Second, "a to see b on the topic again", func() bool { return onTopic(b) })
		al, err := a.PostAlert(context.Background(), AlertDraft{Text: "gate open, round " + string(rune('1'+round))})
		if err != nil {
			t.Fatal(err)
		}
		testutil.WaitFor(t, 10*time.Second, "b to get the alert a posted as b reappeared",
			func() bool { return hasAlert(b, al.ID) })
	}
}
