package federation

// Benchmarks of a neighborhood at the size the guide plans for: alert propagation across 100 nodes (on
// plain loopback, and with 25 ms per link through netem in a network namespace of its own) and catch-up
// of a node that was offline. Every node runs in this process on 127.0.0.1, so delays are measured with
// one clock. Figures and the commands that produce them are in BENCHMARKS.md.

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/porchlight/porchlight/federation/wire"
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
// and waits until every node lists n members.
func startBenchHood(b *testing.B, n int, edit func(*Config)) ([]*Node, string) {
	b.Helper()
	nodes := make([]*Node, n)
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
			dialled, err := benchJoin(nodes[0], j)
			if err != nil {
				errs <- fmt.Errorf("%s joins: %w", j.cfg.Name, err)
			}
			if dialled {
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
		waitFor(b, 3*time.Minute, nd.cfg.Name+" lists every member", func() bool {
			ms, _ := nd.Members(h.ID)
			return len(ms) == n
		})
	}
	if d := stewardDialled.Load(); d > 0 {
		b.Logf("%d of %d joiners could not reach the steward and were dialled by it", d, n-1)
	}
	b.ReportMetric(float64(stewardDialled.Load()), "steward-dialled")
	return nodes, h.ID
}

// benchJoin is join without testing.TB, so it can run off the benchmark's goroutine. It reports whether
// the joiner could not reach the steward and the steward dialled it instead: libp2p's resource manager,
// sized by hostMemory (96 MiB, under the 128 MiB where its limits start to scale), admits at most 64
// inbound connections per host, so a steward with 64 connected members refuses every further joiner.
// An outbound connection from the steward does not count against that limit.
func benchJoin(s, j *Node) (dialled bool, err error) {
	for attempt := range 2 {
		inv, err := s.Invite("", "household", time.Hour, nil)
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

// benchCount counts the alerts a node holds in a hood without decoding them.
func benchCount(n *Node, hood string) int {
	c := 0
	n.store.alertsSince(hood, 0, func([]byte) bool { c++; return true })
	return c
}

// benchArrivals records when each node's subscription delivered each alert.
type benchArrivals struct {
	mu sync.Mutex
	at map[string]map[int]time.Time // alert ID → node index → arrival
}

func (a *benchArrivals) watch(b *testing.B, i int, n *Node) {
	ch, cancel := n.SubscribeAlerts()
	b.Cleanup(cancel)
	go func() {
		for al := range ch {
			now := time.Now()
			a.mu.Lock()
			if a.at[al.ID] == nil {
				a.at[al.ID] = map[int]time.Time{}
			}
			a.at[al.ID][i] = now
			a.mu.Unlock()
		}
	}()
}

func (a *benchArrivals) count(id string) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.at[id])
}

// BenchmarkAlertPropagation100 measures, for every (alert, receiving node) of 20 alerts posted 100 ms
// apart by random members of a 100-node hood, the delay from PostAlert to the receiver's subscription.
func BenchmarkAlertPropagation100(b *testing.B) {
	if os.Getenv(benchNetemEnv) != "" {
		b.ReportMetric(benchLoopbackRTT(b), "lo-rtt-ms")
	}
	start := time.Now()
	heap0, gr0 := benchHeap(), runtime.NumGoroutine()
	nodes, hood := startBenchHood(b, benchNodes, benchConfig)
	arr := &benchArrivals{at: map[string]map[int]time.Time{}}
	for i, n := range nodes {
		arr.watch(b, i, n)
	}
	gos := &benchArrivals{at: map[string]map[int]time.Time{}}
	if os.Getenv("BENCH_DEBUG") != "" {
		for i, n := range nodes {
			n.mu.RLock()
			t := n.hoods[hood].topic
			n.mu.RUnlock()
			sub, err := t.Subscribe()
			if err != nil {
				b.Fatal(err)
			}
			go func() {
				for {
					m, err := sub.Next(context.Background())
					if err != nil {
						return
					}
					now := time.Now()
					rec, ok := m.ValidatorData.(wire.Signed)
					if !ok {
						continue
					}
					gos.mu.Lock()
					if gos.at[rec.ID()] == nil {
						gos.at[rec.ID()] = map[int]time.Time{}
					}
					gos.at[rec.ID()][i] = now
					gos.mu.Unlock()
				}
			}()
		}
	}
	// The mesh has formed when every node has gossip peers and an alert from the steward reaches all.
	for _, n := range nodes {
		waitFor(b, time.Minute, n.cfg.Name+" has topic peers", func() bool {
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
	waitFor(b, time.Minute, "the warm-up alert reaches every node", func() bool { return arr.count(warm.ID) == benchNodes })
	setup := time.Since(start)
	heap, grs := benchHeap()-heap0, runtime.NumGoroutine()-gr0

	if os.Getenv("BENCH_DEBUG") == "settle" {
		var ru0 syscall.Rusage
		syscall.Getrusage(0, &ru0)
		for range 24 {
			time.Sleep(5 * time.Second)
			var ru syscall.Rusage
			syscall.Getrusage(0, &ru)
			cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano() - ru0.Utime.Nano() - ru0.Stime.Nano())
			ru0 = ru
			conns := 0
			for _, n := range nodes {
				conns += len(n.host.Network().Conns())
			}
			fmt.Fprintf(os.Stderr, "%s cpu %.2f conns %d gr %d\n", time.Since(start).Round(time.Second), cpu.Seconds()/5, conns, runtime.NumGoroutine())
		}
	}
	b.ResetTimer()
	posted := map[string]time.Time{}
	author := map[string]int{}
	tick := time.NewTicker(benchSpace)
	defer tick.Stop()
	for i := range benchAlerts {
		k := rand.IntN(benchNodes)
		t0 := time.Now()
		a, err := nodes[k].PostAlert(context.Background(), AlertDraft{Text: fmt.Sprintf("bench %d", i)})
		if err != nil {
			b.Fatalf("%s posts: %v", nodes[k].cfg.Name, err)
		}
		posted[a.ID], author[a.ID] = t0, k
		if os.Getenv("BENCH_DEBUG") != "" {
			b.Logf("post %d by %d took %s", i, k, time.Since(t0))
		}
		<-tick.C
	}
	for id := range posted {
		waitFor(b, time.Minute, "alert "+id+" reaches every node", func() bool { return arr.count(id) == benchNodes })
	}
	b.StopTimer()

	var delays []time.Duration
	slow := 0
	arr.mu.Lock()
	for id, t0 := range posted {
		for i, at := range arr.at[id] {
			if i != author[id] {
				delays = append(delays, at.Sub(t0))
				if at.Sub(t0) > time.Second {
					slow++
				}
			}
		}
	}
	if os.Getenv("BENCH_DEBUG") != "" {
		for id, t0 := range posted {
			var ds []time.Duration
			for _, at := range arr.at[id] {
				ds = append(ds, at.Sub(t0).Round(time.Millisecond))
			}
			slices.Sort(ds)
			var gs []time.Duration
			for _, at := range gos.at[id] {
				gs = append(gs, at.Sub(t0).Round(time.Millisecond))
			}
			slices.Sort(gs)
			if len(gs) > 50 {
				fmt.Fprintf(os.Stderr, "gossip %s: n %d min %s p10 %s p50 %s max %s\n", id[:6], len(gs), gs[1], gs[10], gs[50], gs[len(gs)-1])
			}
			fmt.Fprintf(os.Stderr, "alert %s: min %s p10 %s p50 %s max %s\n", id[:6], ds[1], ds[10], ds[50], ds[len(ds)-1])
		}
	}
	arr.mu.Unlock()
	slices.Sort(delays)
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	b.ReportMetric(ms(delays[len(delays)/2]), "p50-ms")
	b.ReportMetric(ms(delays[(len(delays)*99+99)/100-1]), "p99-ms")
	b.ReportMetric(ms(delays[len(delays)-1]), "max-ms")
	b.ReportMetric(float64(slow), "over-1s")
	b.ReportMetric(float64(heap)/benchNodes/(1<<20), "heap-MiB/node")
	b.ReportMetric(float64(grs)/benchNodes, "goroutines/node")
	b.ReportMetric(setup.Seconds(), "setup-s")
	b.Logf("%d deliveries, %d over 1 s; setup %s", len(delays), slow, setup.Round(time.Second))
}

// benchHeap is the heap in use after a collection.
func benchHeap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

// benchLoopbackRTT is one TCP handshake on 127.0.0.1: the round trip netem adds to every link.
func benchLoopbackRTT(b *testing.B) float64 {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	t0 := time.Now()
	c, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		b.Fatal(err)
	}
	rtt := time.Since(t0)
	c.Close()
	return float64(rtt) / float64(time.Millisecond)
}

// BenchmarkAlertPropagation100Netem is BenchmarkAlertPropagation100 with 25 ms on every packet (50 ms
// round trip per link). netem on the machine's own lo would slow everything on it, so this re-runs the
// test binary inside a network namespace of its own, delays that namespace's lo and reports the child's
// figures.
func BenchmarkAlertPropagation100Netem(b *testing.B) {
	if os.Getenv(benchNetemEnv) != "" {
		b.Skip("already inside the netem namespace")
	}
	if os.Geteuid() != 0 {
		b.Skip("needs root for a network namespace and netem")
	}
	for _, tool := range []string{"ip", "tc"} {
		if _, err := exec.LookPath(tool); err != nil {
			b.Skipf("needs %s (iproute2): %v", tool, err)
		}
	}
	ns := fmt.Sprintf("plbench%d", os.Getpid())
	ip := func(args ...string) error {
		if out, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
			return fmt.Errorf("ip %s: %w: %s", strings.Join(args, " "), err, out)
		}
		return nil
	}
	if err := ip("netns", "add", ns); err != nil {
		b.Skipf("cannot create a network namespace: %v", err)
	}
	b.Cleanup(func() {
		if err := ip("netns", "delete", ns); err != nil {
			b.Error(err)
		}
	})
	// A large queue: netem's default of 1000 packets would drop during the joins' bursts.
	for _, args := range [][]string{{"link", "set", "lo", "up"},
		{"tc", "qdisc", "add", "dev", "lo", "root", "netem", "delay", "25ms", "limit", "100000"}} {
		if args[0] == "tc" {
			args = append([]string{"netns", "exec", ns}, args...)
		} else {
			args = append([]string{"-n", ns}, args...)
		}
		if err := ip(args...); err != nil {
			b.Fatal(err)
		}
	}
	cmd := exec.CommandContext(b.Context(), "ip", "netns", "exec", ns, os.Args[0], "-test.run=^$",
		"-test.bench=^BenchmarkAlertPropagation100$", "-test.benchtime=1x", "-test.timeout=15m",
		"-test.cpu="+strconv.Itoa(runtime.GOMAXPROCS(0)))
	cmd.Env = append(os.Environ(), benchNetemEnv+"=25ms")
	b.ResetTimer()
	out, err := cmd.CombinedOutput()
	b.StopTimer()
	if err != nil {
		b.Fatalf("benchmark in namespace %s: %v\n%s", ns, err, out)
	}
	if err := benchReportChild(b, out); err != nil {
		b.Fatalf("%v\n%s", err, out)
	}
}

// benchReportChild reports the metrics (all but ns/op) of the child's BenchmarkAlertPropagation100 line.
func benchReportChild(b *testing.B, out []byte) error {
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 || !strings.HasPrefix(f[0], "BenchmarkAlertPropagation100") {
			continue
		}
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				return fmt.Errorf("child metric %q: %w", f[i], err)
			}
			if f[i+1] != "ns/op" {
				b.ReportMetric(v, f[i+1])
			}
		}
		return nil
	}
	return fmt.Errorf("no BenchmarkAlertPropagation100 line in the child's output")
}
