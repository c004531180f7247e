//go:build linux

package federation

// Benchmarks of a neighborhood at the size the guide plans for: alert propagation across 100 nodes (on
// plain loopback, and with 25 ms per packet in a network namespace of its own: netem, or NFQUEUE and a
// userspace delay where the kernel has no netem) and catch-up of a node that was offline. Every node
// runs in this process on 127.0.0.1, so delays are measured with one clock; at -cpu 1 all nodes share
// one core. Figures and commands are in BENCHMARKS.md.

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ed25519"
	crand "crypto/rand"
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

// BenchmarkAlertPropagation100Netem is BenchmarkAlertPropagation100 with 25 ms on every packet (a 50 ms
// round trip per link). A delay on the machine's own lo would slow everything else on it, so this runs
// the test binary again inside a network namespace of its own, delays that namespace's lo, and reports
// the child's figures. It needs root, iproute2, and either netem in the kernel or iptables.
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
	ip := func(args ...string) error {
		if out, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
			return fmt.Errorf("ip %s: %w: %s", strings.Join(args, " "), err, out)
		}
		return nil
	}
	ns := fmt.Sprintf("plbench%d", os.Getpid())
	if err := ip("netns", "add", ns); err != nil {
		b.Skipf("cannot create a network namespace: %v", err)
	}
	b.Cleanup(func() {
		if err := ip("netns", "delete", ns); err != nil {
			b.Error(err)
		}
	})
	if err := ip("-n", ns, "link", "set", "lo", "up"); err != nil {
		b.Fatal(err)
	}
	// A long queue: netem's default of 1000 packets would drop some in the joins' bursts.
	err := ip("netns", "exec", ns, "tc", "qdisc", "add", "dev", "lo", "root", "netem", "delay", "25ms",
		"limit", "100000")
	if err != nil && strings.Contains(err.Error(), "qdisc kind is unknown") {
		// No netem in this kernel: delay in userspace, every packet leaving lo queued through NFQUEUE.
		b.Logf("no netem qdisc in this kernel; packets are delayed through NFQUEUE instead")
		err = benchDelayNamespace(b, ns, 25*time.Millisecond)
	}
	if err != nil {
		b.Fatal(err)
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

// benchDelayNamespace delays every packet leaving lo in namespace ns by d through NFQUEUE: the delayer
// binds the queue first (an unbound queue drops packets), then iptables sends lo's output to it.
func benchDelayNamespace(b *testing.B, ns string, d time.Duration) error {
	ipt := ""
	for _, name := range []string{"iptables-legacy", "iptables"} {
		if p, err := exec.LookPath(name); err == nil {
			ipt = p
			break
		}
	}
	if ipt == "" {
		b.Skip("the kernel has no netem qdisc, and iptables (to queue packets to a userspace delay) is not installed")
	}
	dl, err := startBenchDelayer(ns, d)
	if err != nil {
		return err
	}
	b.Cleanup(dl.close)
	out, err := exec.Command("ip", "netns", "exec", ns, ipt, "-A", "OUTPUT", "-o", "lo", "-j", "NFQUEUE",
		"--queue-num", "0").CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s: %w: %s", ipt, err, out)
	}
	return nil
}

// benchReportChild reports the metrics (all but ns/op) of the child's BenchmarkAlertPropagation100 line.
func benchReportChild(b *testing.B, out []byte) error {
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 || !strings.HasPrefix(f[0], "BenchmarkAlertPropagation100") {
			continue
		}
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				return fmt.Errorf("child's metric %q: %w", f[i], err)
			}
			if f[i+1] != "ns/op" {
				b.ReportMetric(v, f[i+1])
			}
		}
		return nil
	}
	return errors.New("no BenchmarkAlertPropagation100 line in the child's output")
}

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
