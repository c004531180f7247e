package federation

import (
	"context"
	"testing"
	"time"

	"github.com/porchlight/porchlight/federation/wire"
	"github.com/porchlight/porchlight/internal/testutil"
)

// hoodCycle starts three nodes, forms a hood, posts an alert that all receive, and closes them all.
func hoodCycle(t *testing.T) {
	t.Helper()
	var nodes []*Node
	var stops []func()
	for _, name := range names(3, "Leak ") {
		n, stop := runNode(t, testConfig(t, name, nil))
		nodes, stops = append(nodes, n), append(stops, stop)
	}
	h, err := nodes[0].CreateHood("Leak Lane")
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range nodes[1:] {
		join(t, nodes[0], n, wire.RoleHousehold)
	}
	waitMembers(t, h.ID, len(nodes), nodes...)
	al, err := nodes[1].PostAlert(context.Background(), AlertDraft{Text: "leak check"})
	if err != nil {
		t.Fatal(err)
	}
	waitAlerts(t, 10*time.Second, []string{al.ID}, nodes...)
	for _, stop := range stops {
		stop()
	}
}

func TestNoGoroutineLeak(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and stops nine nodes")
	}
	hoodCycle(t) // libp2p and friends start a few process-wide goroutines once
	before := testutil.Goroutines()
	const cycles = 2
	for range cycles {
		hoodCycle(t)
	}
	// Dials and timers of a closed host may take a moment to notice; a goroutine still there after 20 s leaked.
	before.CheckEnded(t, 20*time.Second)
}
