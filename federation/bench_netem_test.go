//go:build linux

package federation

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

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
