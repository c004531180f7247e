package federation

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/porchlight/porchlight/federation/wire"
	"github.com/porchlight/porchlight/internal/testutil"
)

// An alert posted the moment a neighbor reappears on the topic, before gossipsub's next heartbeat has
// put it in the mesh, still reaches it by gossip. Gossipsub v0.19 publishes only to mesh peers unless
// flood publishing is on, so such an alert used to wait for the next periodic sync (minutes): two homes
// that restart together on a LAN and post at once lost every alert. The test listens on the topic itself
// so that the catch-up sync, which also runs when a member reappears, cannot hide a lost publish.
func TestAlertPostedBeforeMeshFormsIsGossiped(t *testing.T) {
	a := testNode(t, "Elm 2", nil)
	cfgB := testConfig(t, "Elm 4", nil)
	b, stopB := runNode(t, cfgB)
	h, err := a.CreateHood("Elm Street")
	if err != nil {
		t.Fatal(err)
	}
	join(t, a, b, "household")
	waitMembers(t, h.ID, 2, a, b)
	waitOnline(t, a, b)
	stopB()
	onTopic := func(n, p *Node) func() bool {
		return func() bool {
			n.mu.RLock()
			defer n.mu.RUnlock()
			return slices.Contains(n.hoods[h.ID].topic.ListPeers(), p.ID())
		}
	}
	testutil.WaitFor(t, 10*time.Second, "a to see b leave the topic", func() bool { return !onTopic(a, b)() })

	for round := range 3 { // each round is a fresh connection, so a fresh chance to post before the mesh
		b, stopB = runNode(t, cfgB) // b dials a from the addresses it remembered on joining
		b.mu.RLock()
		sub, err := b.hoods[h.ID].topic.Subscribe()
		b.mu.RUnlock()
		if err != nil {
			t.Fatal(err)
		}
		testutil.WaitFor(t, 20*time.Second, "a to see b on the topic again", onTopic(a, b))
		al, err := a.PostAlert(context.Background(), AlertDraft{Text: "gate open, round " + string(rune('1'+round))})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		m, err := sub.Next(ctx)
		cancel()
		if err != nil {
			t.Fatalf("round %d: b's topic delivered nothing within 10s of a's post: the alert was not gossiped (%v)", round, err)
		}
		if rec, ok := m.ValidatorData.(wire.Signed); !ok || rec.ID() != al.ID {
			t.Fatalf("round %d: b's topic delivered %T %v, want alert %s", round, m.ValidatorData, m.ValidatorData, al.ID)
		}
		sub.Cancel()
		stopB()
		testutil.WaitFor(t, 10*time.Second, "a to see b leave the topic", func() bool { return !onTopic(a, b)() })
	}
}
