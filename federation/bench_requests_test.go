//go:build linux

package federation

// A benchmark of an agency's footage request reaching a 100-home hood: post (log append, fsync,
// signatures), gossip, every home's checks (credential, scope, signatures, inclusion proof), store and
// match. Like the alert benchmarks (bench_test.go, whose helpers this reuses), every node runs in this
// process on 127.0.0.1 and, at -cpu 1, on one core.

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	pubsub "github.com/libp2p/go-libp2p-pubsub"

	"github.com/porchlight/porchlight/federation/fedtest"
	"github.com/porchlight/porchlight/internal/testutil"
)

const (
	benchRequests   = 10
	benchReqSpace   = 200 * time.Millisecond // between measured requests
	benchMatchEvery = 4                      // every 4th home has a camera on the requested area
	benchReqRadius  = 200                    // metres around Elm Street; homes that do not match are 1.5 km north
)

// BenchmarkRequestFanout100 measures, for every (request, home) of 10 requests posted 200 ms apart by an
// agency in a 100-home hood, the delay from PostRequest to the request being stored at the home. A home
// that matches is timed by its SubscribeRequests notice (sent right after the store); for the others a
// watcher on a second topic subscription sees gossipsub deliver the notice and then polls the home's store
// every millisecond until it holds the request, so polling costs nothing between requests.
func BenchmarkRequestFanout100(b *testing.B) {
	start := time.Now()
	nodes, hood, dialled := startBenchHood(b, benchNodes, func(c *Config) {
		benchConfig(c)
		var i int
		if _, err := fmt.Sscanf(c.Name, "House %d", &i); err != nil {
			b.Fatalf("node name %q: %v", c.Name, err)
		}
		d := 1500.0
		if i%benchMatchEvery == 0 {
			d = 0
		}
		withCameras(c, camerasAt(fmt.Sprintf("cam %03d", i), d))
	})
	agency := testNode(b, "Springfield PD", func(c *Config) { benchConfig(c); c.Role = "agency" })
	agencyDialled, err := benchJoinWith(nodes[0], agency, func() (InviteInfo, error) {
		return nodes[0].InviteAgency("", time.Hour, nil,
			Scope{Lat: fedtest.ElmLat, Lon: fedtest.ElmLon, Radius: 2000, PerDay: 100})
	})
	if err != nil {
		b.Fatalf("agency joins: %v", err)
	}
	if agencyDialled {
		dialled++
	}

	stored, gossip := newBenchArrivals(), newBenchArrivals()
	for i, n := range nodes {
		if i%benchMatchEvery == 0 {
			stored.watchMatched(b, i, n)
		}
		watchNotices(b, i, n, hood, gossip, stored, i%benchMatchEvery != 0)
	}
	testutil.WaitFor(b, time.Minute, "the agency has topic peers", func() bool {
		agency.mu.RLock()
		t := agency.hoods[hood].topic
		agency.mu.RUnlock()
		return len(t.ListPeers()) >= 6
	})
	// A matching home's subscription hears of every request it stores, by gossip or sync; a home that does
	// not match is timed by the watcher only for what gossip brings, so the wait looks up the rest.
	backstop := 0
	reachedAll := func(id string) func() bool {
		return func() bool {
			for i, n := range nodes {
				if i%benchMatchEvery != 0 && !gossip.has(id, i) && !stored.has(id, i) && requestHeld(n, id) &&
					stored.addFirst(id, i, time.Now()) {
					backstop++
				}
			}
			return stored.count(id) == benchNodes
		}
	}
	warm, err := agencyOf(agency).PostRequest(context.Background(), draft(0, benchReqRadius))
	if err != nil {
		b.Fatal(err)
	}
	testutil.WaitFor(b, 2*time.Minute, "the warm-up request stored at every home (and heard of by every matching one)",
		reachedAll(warm.ID))
	setup := time.Since(start)
	backstop = 0

	b.ResetTimer()
	cpu0, t0 := benchCPU(), time.Now()
	posted, author := map[string]time.Time{}, map[string]int{}
	var postDur []time.Duration
	tick := time.NewTicker(benchReqSpace)
	defer tick.Stop()
	for range benchRequests {
		at := time.Now()
		r, err := agencyOf(agency).PostRequest(context.Background(), draft(0, benchReqRadius))
		if err != nil {
			b.Fatalf("agency posts: %v", err)
		}
		postDur = append(postDur, time.Since(at))
		posted[r.ID], author[r.ID] = at, -1 // the agency is none of the homes
		<-tick.C
	}
	for id := range posted {
		testutil.WaitFor(b, 2*time.Minute, "request "+id+" stored at every home (and heard of by every matching one)", reachedAll(id))
	}
	b.StopTimer()
	util := (benchCPU() - cpu0).Seconds() / time.Since(t0).Seconds()

	matched := 0
	for id := range posted {
		matched = 0
		for _, n := range nodes {
			r, err := agencyOf(n).Request(id)
			if err != nil {
				b.Fatalf("%s: request %s: %v", n.cfg.Name, id, err)
			}
			if len(r.Matches) > 0 {
				matched++
			}
		}
		if want := (benchNodes + benchMatchEvery - 1) / benchMatchEvery; matched != want {
			b.Fatalf("request %s matched at %d homes, want %d", id, matched, want)
		}
	}

	ds, gs := stored.delays(posted, author), gossip.delays(posted, author)
	slices.Sort(postDur)
	b.ReportMetric(benchMS(benchPct(ds, 50)), "p50-ms")
	b.ReportMetric(benchMS(benchPct(ds, 99)), "p99-ms")
	b.ReportMetric(benchMS(ds[len(ds)-1]), "max-ms")
	b.ReportMetric(benchMS(benchPct(gs, 50)), "gossip-p50-ms")
	b.ReportMetric(benchMS(benchPct(gs, 99)), "gossip-p99-ms")
	b.ReportMetric(benchMS(benchPct(postDur, 50)), "post-ms")
	b.ReportMetric(benchMS(postDur[len(postDur)-1]), "post-max-ms")
	b.ReportMetric(util, "cpu-cores")
	b.ReportMetric(float64(matched), "matched-homes")
	b.ReportMetric(float64(backstop), "backstop")
	// Homes ask the agency for a consistency proof only when they missed its previous notice.
	b.ReportMetric(float64(len(agency.host.Network().Peers())), "agency-peers")
	b.ReportMetric(setup.Seconds(), "setup-s")
	b.ReportMetric(float64(dialled), "steward-dialled")
	b.Logf("%d deliveries, %d seen by the gossip watchers, %d found by the wait (not by gossip); setup %s",
		len(ds), len(gs), backstop, setup.Round(time.Second))
}

// has reports whether node's arrival of id is recorded.
func (a *benchArrivals) has(id string, node int) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	_, ok := a.at[id][node]
	return ok
}

// addFirst records an arrival unless one is recorded already, and reports whether it did.
func (a *benchArrivals) addFirst(id string, node int, at time.Time) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	if _, ok := a.at[id][node]; ok {
		return false
	}
	if a.at[id] == nil {
		a.at[id] = map[int]time.Time{}
	}
	a.at[id][node] = at
	return true
}

// watchMatched records requests as a matching home's subscribers hear of them: after the store.
func (a *benchArrivals) watchMatched(b *testing.B, i int, n *Node) {
	ch, cancel := agencyOf(n).SubscribeRequests()
	b.Cleanup(cancel)
	go func() {
		for r := range ch {
			a.addFirst(r.ID, i, time.Now())
		}
	}()
}

// watchNotices records in gossip when gossipsub delivers a request notice to home i after its validator,
// on a second subscription to the hood's topic. With poll, it then polls the home's store until the request
// is there and records that in stored.
func watchNotices(b *testing.B, i int, n *Node, hood string, gossip, stored *benchArrivals, poll bool) {
	watchTopic(b, n, hood, func(m *pubsub.Message) {
		if _, ok := m.ValidatorData.(checkedNotice); !ok {
			return
		}
		id, ok := noticeRequestID(m.Data)
		if !ok {
			return
		}
		gossip.add(id, i, time.Now())
		if poll {
			go pollStored(n, id, func(at time.Time) { stored.addFirst(id, i, at) })
		}
	})
}

// requestHeld reports whether n's agency side holds request id.
func requestHeld(n *Node, id string) bool {
	_, err := agencyOf(n).Request(id)
	return err == nil
}

// pollStored calls found with the time n's store first holds request id, checking every millisecond for
// as long as the benchmark waits.
func pollStored(n *Node, id string, found func(time.Time)) {
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		if requestHeld(n, id) {
			found(time.Now())
			return
		}
		<-tick.C
	}
}
