//go:build linux

package federation

import (
	"context"
	"errors"
	"fmt"
	"net"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	pubsub "github.com/libp2p/go-libp2p-pubsub"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/porchlight/porchlight/federation/wire"
	"github.com/porchlight/porchlight/internal/testutil"
)

// benchNetemEnv tells a re-executed test binary that it runs inside the netem namespace.
const benchNetemEnv = "PORCHLIGHT_BENCH_NETEM"

const (
	benchNodes  = 100
	benchAlerts = 20
	benchSpace  = 100 * time.Millisecond // between measured alerts
	benchJoins  = 8                      // joins in flight at once
)

// benchConfig keeps production timings (discovery every 30 s, sync every 5 min) so background work is
// what a real hood has, and lifts the alert rate so the benchmark's posts are not refused.
func benchConfig(c *Config) {
	c.DiscoverInterval, c.SyncInterval = 0, 0
	c.AlertRate, c.AlertBurst = 1000, 2000
}

// startBenchHood starts n nodes, the first founding a hood that the others join (benchJoins at a time),
// and waits until every node lists n members. It returns how many joiners the steward had to dial.
func startBenchHood(b *testing.B, n int, edit func(*Config)) (nodes []*Node, hood string, dialled int) {
	b.Helper()
	nodes = make([]*Node, n)
	for i := range nodes {
		nodes[i] = testNode(b, fmt.Sprintf("House %03d", i), edit)
	}
	h, err := nodes[0].CreateHood("Bench Street")
	if err != nil {
		b.Fatal(err)
	}
	var stewardDialled atomic.Int32
	sem := make(chan struct{}, benchJoins)
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for _, j := range nodes[1:] {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			d, err := benchJoin(nodes[0], j)
			if err != nil {
				errs <- fmt.Errorf("%s joins: %w", j.cfg.Name, err)
			}
			if d {
				stewardDialled.Add(1)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
	for _, nd := range nodes {
		testutil.WaitFor(b, 3*time.Minute, nd.cfg.Name+" lists every member", func() bool {
			ms, _ := nd.Members(h.ID)
			return len(ms) == n
		})
	}
	return nodes, h.ID, int(stewardDialled.Load())
}

// benchJoin is join without testing.TB, so it can run off the benchmark's goroutine. It reports whether
// the joiner could not reach the steward and the steward dialled it instead: libp2p's resource manager,
// sized by hostMemory (96 MiB, under the 128 MiB where its limits start to scale), admits at most 64
// inbound connections per host, so a steward with 64 connected members refuses every further joiner.
// An outbound connection from the steward does not count against that limit.
func benchJoin(s, j *Node) (dialled bool, err error) {
	return benchJoinWith(s, j, func() (InviteInfo, error) { return s.Invite("", "household", time.Hour, nil) })
}

// benchJoinWith is benchJoin with the invite made by invite (an agency's, say).
func benchJoinWith(s, j *Node, invite func() (InviteInfo, error)) (dialled bool, err error) {
	for attempt := range 2 {
		inv, err := invite()
		if err != nil {
			return dialled, err
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		if attempt == 1 {
			dialled = true
			until := time.Now().Add(time.Hour)
			j.gater.allowDial(s.ID(), until)
			s.gater.allowDial(j.ID(), until)
			if err := s.host.Connect(ctx, peer.AddrInfo{ID: j.ID(), Addrs: j.host.Addrs()}); err != nil {
				cancel()
				return dialled, fmt.Errorf("steward dials the joiner: %w", err)
			}
		}
		_, err = j.Join(ctx, inv.Code)
		cancel()
		if attempt == 1 || !errors.Is(err, ErrUnreachable) {
			return dialled, err
		}
	}
	panic("unreachable")
}

// benchArrivals records when each node saw each alert.
type benchArrivals struct {
	mu sync.Mutex
	at map[string]map[int]time.Time // alert ID → node index → arrival
}

func newBenchArrivals() *benchArrivals { return &benchArrivals{at: map[string]map[int]time.Time{}} }

func (a *benchArrivals) add(id string, node int, at time.Time) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.at[id] == nil {
		a.at[id] = map[int]time.Time{}
	}
	a.at[id][node] = at
}

func (a *benchArrivals) count(id string) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.at[id])
}

// delays lists arrival minus post time for every alert in posted at every node but its author.
func (a *benchArrivals) delays(posted map[string]time.Time, author map[string]int) []time.Duration {
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []time.Duration
	for id, t0 := range posted {
		for i, at := range a.at[id] {
			if i != author[id] {
				out = append(out, at.Sub(t0))
			}
		}
	}
	slices.Sort(out)
	return out
}

// watchStored records alerts as the node's subscribers get them: validated, claimed and queued for the
// writer (committed within alertFlush).
func (a *benchArrivals) watchStored(b *testing.B, i int, n *Node) {
	ch, cancel := n.SubscribeAlerts()
	b.Cleanup(cancel)
	go func() {
		for al := range ch {
			a.add(al.ID, i, time.Now())
		}
	}()
}

// watchGossip records alerts as gossipsub delivers them after the validator, before the node takes them.
func (a *benchArrivals) watchGossip(b *testing.B, i int, n *Node, hood string) {
	watchTopic(b, n, hood, func(m *pubsub.Message) {
		if rec, ok := m.ValidatorData.(wire.Signed); ok && rec.Kind == wire.KindAlert {
			a.add(rec.ID(), i, time.Now())
		}
	})
}

// watchTopic calls fn with every message gossipsub delivers to n on the hood's topic (its validator's
// data included), through a second subscription of its own.
func watchTopic(b *testing.B, n *Node, hood string, fn func(m *pubsub.Message)) {
	n.mu.RLock()
	t := n.hoods[hood].topic
	n.mu.RUnlock()
	sub, err := t.Subscribe()
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(sub.Cancel)
	go func() {
		for {
			m, err := sub.Next(context.Background())
			if err != nil {
				return
			}
			fn(m)
		}
	}()
}

// benchPct is the p-th percentile (nearest rank) of sorted durations.
func benchPct(ds []time.Duration, p int) time.Duration {
	return ds[max((len(ds)*p+99)/100-1, 0)]
}

func benchMS(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// benchHeap is the heap in use after a collection.
func benchHeap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

// benchCPU is the process's CPU time so far (user and system).
func benchCPU() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// benchLoopbackRTT is the median of five TCP handshakes on 127.0.0.1: the round trip the delay adds to
// every link.
func benchLoopbackRTT(b *testing.B) float64 {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	var rtts []time.Duration
	for range 5 {
		t0 := time.Now()
		c, err := net.Dial("tcp", l.Addr().String())
		if err != nil {
			b.Fatal(err)
		}
		rtts = append(rtts, time.Since(t0))
		c.Close()
	}
	slices.Sort(rtts)
	return benchMS(rtts[2])
}
