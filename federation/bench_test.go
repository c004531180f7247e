//go:build linux

package federation

// Benchmarks of a neighborhood at the size the guide plans for: alert propagation across 100 nodes (on
// plain loopback, and with 25 ms per packet in a network namespace of its own: netem, or NFQUEUE and a
// userspace delay where the kernel has no netem) and catch-up of a node that was offline. Every node
// runs in this process on 127.0.0.1, so delays are measured with one clock; at -cpu 1 all nodes share
// one core. Figures and commands are in BENCHMARKS.md.

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/porchlight/porchlight/internal/testutil"
)

// BenchmarkAlertPropagation100 measures, for every (alert, receiving node) of 20 alerts posted 100 ms
// apart by random members of a 100-node hood, the delay from PostAlert to the receiver's subscription
// (gossip-* metrics: to gossipsub's delivery, before the node takes the alert).
func BenchmarkAlertPropagation100(b *testing.B) {
	var rtt float64
	if os.Getenv(benchNetemEnv) != "" {
		rtt = benchLoopbackRTT(b)
	}
	start := time.Now()
	heap0, gr0 := benchHeap(), runtime.NumGoroutine()
	nodes, hood, dialled := startBenchHood(b, benchNodes, benchConfig)
	stored, gossip := newBenchArrivals(), newBenchArrivals()
	for i, n := range nodes {
		stored.watchStored(b, i, n)
		gossip.watchGossip(b, i, n, hood)
	}
	// The mesh has formed when every node has gossip peers and an alert from the steward reaches all.
	for _, n := range nodes {
		testutil.WaitFor(b, time.Minute, n.cfg.Name+" has topic peers", func() bool {
			n.mu.RLock()
			t := n.hoods[hood].topic
			n.mu.RUnlock()
			return len(t.ListPeers()) >= 6
		})
	}
	warm, err := nodes[0].PostAlert(context.Background(), AlertDraft{Text: "warm-up"})
	if err != nil {
		b.Fatal(err)
	}
	testutil.WaitFor(b, time.Minute, "the warm-up alert reaches every node", func() bool { return stored.count(warm.ID) == benchNodes })
	setup := time.Since(start)
	heap, grs := benchHeap()-heap0, runtime.NumGoroutine()-gr0
	conns := 0
	for _, n := range nodes {
		conns += len(n.host.Network().Conns())
	}

	b.ResetTimer()
	cpu0, t0 := benchCPU(), time.Now()
	posted, author := map[string]time.Time{}, map[string]int{}
	tick := time.NewTicker(benchSpace)
	defer tick.Stop()
	for i := range benchAlerts {
		k := rand.IntN(benchNodes)
		at := time.Now()
		a, err := nodes[k].PostAlert(context.Background(), AlertDraft{Text: fmt.Sprintf("bench %d", i)})
		if err != nil {
			b.Fatalf("%s posts: %v", nodes[k].cfg.Name, err)
		}
		posted[a.ID], author[a.ID] = at, k
		<-tick.C
	}
	for id := range posted {
		testutil.WaitFor(b, 2*time.Minute, "alert "+id+" reaches every node", func() bool { return stored.count(id) == benchNodes })
	}
	b.StopTimer()
	util := (benchCPU() - cpu0).Seconds() / time.Since(t0).Seconds()

	ds, gs := stored.delays(posted, author), gossip.delays(posted, author)
	fast, _ := slices.BinarySearch(ds, time.Second)
	slow := len(ds) - fast
	if rtt > 0 {
		b.ReportMetric(rtt, "lo-rtt-ms")
	}
	b.ReportMetric(benchMS(benchPct(ds, 50)), "p50-ms")
	b.ReportMetric(benchMS(benchPct(ds, 99)), "p99-ms")
	b.ReportMetric(benchMS(ds[len(ds)-1]), "max-ms")
	b.ReportMetric(float64(slow), "over-1s")
	b.ReportMetric(benchMS(benchPct(gs, 50)), "gossip-p50-ms")
	b.ReportMetric(benchMS(benchPct(gs, 99)), "gossip-p99-ms")
	b.ReportMetric(float64(heap)/benchNodes/(1<<20), "heap-MiB/node")
	b.ReportMetric(float64(grs)/benchNodes, "goroutines/node")
	b.ReportMetric(float64(conns)/benchNodes, "conns/node")
	b.ReportMetric(util, "cpu-cores")
	b.ReportMetric(setup.Seconds(), "setup-s")
	b.ReportMetric(float64(dialled), "steward-dialled")
	b.Logf("%d deliveries, %d over 1 s; setup %s; %d joiners could not reach the steward (it dialled them)",
		len(ds), slow, setup.Round(time.Second), dialled)
}
