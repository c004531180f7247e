package federation

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/porchlight/porchlight/internal/testutil"
)

// TestSeveralHoods: a node in two hoods gets both hoods' alerts, each only in its hood, and members of one
// hood can neither reach members of the other nor see its alerts.
func TestSeveralHoods(t *testing.T) {
	a := testNode(t, "Elm 1", nil)     // steward of Elm Street
	b := testNode(t, "Oak 1", nil)     // steward of Oak Street
	both := testNode(t, "Corner", nil) // in both
	elmOnly := testNode(t, "Elm 2", nil)
	oakOnly := testNode(t, "Oak 2", nil)
	elm, err := a.CreateHood("Elm Street")
	if err != nil {
		t.Fatal(err)
	}
	oak, err := b.CreateHood("Oak Street")
	if err != nil {
		t.Fatal(err)
	}
	join(t, a, both, "household")
	join(t, a, elmOnly, "household")
	join(t, b, both, "household")
	join(t, b, oakOnly, "household")
	if got := len(both.Hoods()); got != 2 {
		t.Fatalf("corner node is in %d hoods, want 2", got)
	}
	if _, err := both.PostAlert(context.Background(), AlertDraft{Text: "which hood?"}); !errors.Is(err, ErrSeveralHoods) {
		t.Fatalf("posting without a hood from a node in two: got %v, want ErrSeveralHoods", err)
	}
	ae, err := both.PostAlert(context.Background(), AlertDraft{Hood: elm.ID, Text: "loose dog on Elm"})
	if err != nil {
		t.Fatal(err)
	}
	ao, err := oakOnly.PostAlert(context.Background(), AlertDraft{Text: "street light out on Oak"})
	if err != nil {
		t.Fatal(err)
	}
	testutil.WaitFor(t, 15*time.Second, "Elm members get the Elm alert", func() bool { return hasAlert(a, ae.ID) && hasAlert(elmOnly, ae.ID) })
	testutil.WaitFor(t, 15*time.Second, "Oak members get the Oak alert", func() bool { return hasAlert(b, ao.ID) && hasAlert(both, ao.ID) })
	// A later alert in each hood has arrived, so the earlier ones had every chance to leak.
	last, err := a.PostAlert(context.Background(), AlertDraft{Text: "all clear on Elm"})
	if err != nil {
		t.Fatal(err)
	}
	testutil.WaitFor(t, 15*time.Second, "the corner node gets the last Elm alert", func() bool { return hasAlert(both, last.ID) })
	for _, c := range []struct {
		n  *Node
		id string
	}{{b, ae.ID}, {oakOnly, ae.ID}, {a, ao.ID}, {elmOnly, ao.ID}} {
		if hasAlert(c.n, c.id) {
			t.Errorf("%s holds alert %s of a hood it is not in", c.n.cfg.Name, c.id)
		}
	}
	as, _ := both.Alerts(oak.ID, time.Time{})
	for _, al := range as {
		if al.Hood != oak.ID {
			t.Errorf("Alerts(oak) returned an alert of hood %s", al.Hood)
		}
	}
	// Members of different hoods are not members to each other: the gater refuses them.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := elmOnly.host.Connect(ctx, oakOnly.host.Peerstore().PeerInfo(oakOnly.ID())); err == nil {
		t.Errorf("an Elm member connected to an Oak member")
	}
}
