//go:build linux

package federation

import (
	"context"
	"crypto/ed25519"
	crand "crypto/rand"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/porchlight/porchlight/internal/testutil"
)

// benchCatchUp alerts are posted at one per benchPostEvery: a burst much faster than that overflows
// gossipsub's queues, and what is dropped only comes back with the next periodic sync (5 min).
const (
	benchCatchUp   = 1000
	benchPostEvery = 25 * time.Millisecond
)

// BenchmarkCatchUp1000 stops one member of a 10-node hood, has the other nine post 1000 alerts, restarts
// it on the same data dir and key, and measures the time until it holds all of them. A new member that
// syncs from the steward over one stream, without Run (so nothing else syncs), gives the sync path's rate.
func BenchmarkCatchUp1000(b *testing.B) {
	nodes, hood, _ := startBenchHood(b, 10, benchConfig)
	x, others := nodes[len(nodes)-1], nodes[:len(nodes)-1]
	testutil.WaitFor(b, time.Minute, "the member to stop is connected to the others", func() bool {
		return len(x.host.Network().Peers()) >= len(others)
	})
	cfg := x.cfg
	if err := x.Close(); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	t0 := time.Now()
	errs := make(chan error, len(others))
	var wg sync.WaitGroup
	for i, n := range others {
		wg.Go(func() {
			tick := time.NewTicker(benchPostEvery * time.Duration(len(others)))
			defer tick.Stop()
			for k := i; k < benchCatchUp; k += len(others) {
				<-tick.C
				if _, err := n.PostAlert(context.Background(), AlertDraft{Text: fmt.Sprintf("alert %d", k)}); err != nil {
					errs <- fmt.Errorf("%s posts: %w", n.cfg.Name, err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
	post := time.Since(t0)
	for _, n := range others {
		testutil.WaitFor(b, time.Minute, n.cfg.Name+" holds every alert", func() bool { return benchCount(n, hood) == benchCatchUp })
	}
	spread := time.Since(t0)

	restart := time.Now()
	x = startNode(b, cfg)
	var first time.Duration
	testutil.WaitFor(b, 3*time.Minute, "the restarted member holds every alert", func() bool {
		c := benchCount(x, hood)
		if c > 0 && first == 0 {
			first = time.Since(restart)
		}
		return c == benchCatchUp
	})
	catchUp := time.Since(restart)

	// The sync path alone: one stream from the steward to a member that holds nothing yet.
	z, err := New(benchNewcomer(b, x.cfg))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { z.Close() })
	if _, err := benchJoin(nodes[0], z); err != nil {
		b.Fatal(err)
	}
	s0 := time.Now()
	if err := z.syncHood(context.Background(), nodes[0].ID(), hood); err != nil {
		b.Fatal(err)
	}
	syncDur := time.Since(s0)
	if got := benchCount(z, hood); got != benchCatchUp {
		b.Fatalf("one sync gave %d alerts, want %d", got, benchCatchUp)
	}
	b.StopTimer()

	b.ReportMetric(catchUp.Seconds(), "catchup-s")
	b.ReportMetric(first.Seconds(), "first-alert-s")
	b.ReportMetric(benchCatchUp/catchUp.Seconds(), "catchup-alerts/s")
	b.ReportMetric(benchCatchUp/syncDur.Seconds(), "sync-alerts/s")
	b.ReportMetric(benchCatchUp/post.Seconds(), "post-alerts/s")
	b.ReportMetric(spread.Seconds(), "gossip-all-s")
}

// benchNewcomer is a copy of c with a new key and data dir: another household with the same settings.
func benchNewcomer(b *testing.B, c Config) Config {
	_, key, _ := ed25519.GenerateKey(crand.Reader)
	c.Key, c.DataDir, c.Name = key, b.TempDir(), "Newcomer"
	return c
}

// benchCount counts the alerts a node holds in a hood without decoding them.
func benchCount(n *Node, hood string) int {
	c := 0
	n.store.alertsSince(hood, 0, func([]byte) bool { c++; return true })
	return c
}
