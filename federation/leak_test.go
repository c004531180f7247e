package federation

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"runtime"
	"runtime/pprof"
	"sort"
	"strings"
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

// goroutineFuncs counts running goroutines by the function that started them.
func goroutineFuncs() map[string]int {
	var buf bytes.Buffer
	pprof.Lookup("goroutine").WriteTo(&buf, 2)
	out := map[string]int{}
	created := regexp.MustCompile(`(?m)^created by (\S+)`)
	for _, m := range created.FindAllStringSubmatch(buf.String(), -1) {
		out[m[1]]++
	}
	return out
}

func TestNoGoroutineLeak(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and stops nine nodes")
	}
	hoodCycle(t) // libp2p and friends start a few process-wide goroutines once
	testutil.WaitFor(t, 10*time.Second, "goroutines to settle after the warm-up", func() bool {
		a := runtime.NumGoroutine()
		time.Sleep(200 * time.Millisecond)
		return runtime.NumGoroutine() == a
	})
	base, baseFuncs := runtime.NumGoroutine(), goroutineFuncs()

	const cycles = 2
	for range cycles {
		hoodCycle(t)
	}
	const slack = 5 // timers and dials that end on their own shortly after Close
	deadline := time.Now().Add(20 * time.Second)
	for runtime.NumGoroutine() > base+slack && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	if got := runtime.NumGoroutine(); got > base+slack {
		var grown []string
		for fn, k := range goroutineFuncs() {
			if d := k - baseFuncs[fn]; d > 0 {
				grown = append(grown, fmt.Sprintf("%+d %s", d, fn))
			}
		}
		sort.Strings(grown)
		t.Errorf("%d goroutines after %d cycles of 3 closed nodes, want at most %d (baseline %d + %d); grown, by creator:\n%s",
			got, cycles, base+slack, base, slack, strings.Join(grown, "\n"))
	}
}
