package nvr_test

import (
	"context"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"
)

// makeGoTest returns the `go test` command line `make -n TARGET` prints, and its quoted flag values.
func makeGoTest(t *testing.T, target string) (string, map[string]string) {
	t.Helper()
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("make not installed")
	}
	out, err := exec.Command("make", "-n", "-C", "..", "--no-print-directory", target).CombinedOutput()
	if err != nil {
		t.Fatalf("make -n %s: %v\n%s", target, err, out)
	}
	for _, line := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(line, "go test ") {
			flags := map[string]string{}
			for _, m := range regexp.MustCompile(`(-[a-z]+) '([^']*)'`).FindAllStringSubmatch(line, -1) {
				flags[m[1]] = m[2]
			}
			return line, flags
		}
	}
	t.Fatalf("make -n %s printed no go test line:\n%s", target, out)
	return "", nil
}

// TestMakeBenchSkipsAccuracyTable checks that `make bench` leaves out BenchmarkMotionAccuracy (its first
// run encodes ~60 clips, ~30 min) and nothing else we know of, that go test really skips it with that
// flag, and that `make bench-accuracy` runs it.
func TestMakeBenchSkipsAccuracyTable(t *testing.T) {
	line, flags := makeGoTest(t, "bench")
	skip, ok := flags["-skip"]
	if !ok || skip == "" {
		t.Fatalf("make bench runs %q: no -skip, so it pays for the full accuracy table", line)
	}
	re := regexp.MustCompile(skip)
	if !re.MatchString("BenchmarkMotionAccuracy") {
		t.Errorf("make bench's -skip %q does not match BenchmarkMotionAccuracy", skip)
	}
	for _, keep := range []string{"BenchmarkDetector", "BenchmarkRecord", "BenchmarkKeyframeStage", "BenchmarkMotionAccuracyVBR"} {
		if re.MatchString(keep) {
			t.Errorf("make bench's -skip %q also skips %s", skip, keep)
		}
	}

	// go test applies -skip to benchmarks: with it, the accuracy benchmark does not run at all.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, "go", "test", "-count=1", "-run", "^$", "-bench", "^BenchmarkMotionAccuracy$",
		"-skip", skip, "-benchtime", "1x", "-v", "../recorder/motion/").CombinedOutput()
	if err != nil {
		t.Fatalf("go test -skip %q: %v\n%s", skip, err, out)
	}
	if strings.Contains(string(out), "BenchmarkMotionAccuracy") {
		t.Errorf("go test -skip %q still ran the accuracy table:\n%s", skip, out)
	}

	line, flags = makeGoTest(t, "bench-accuracy")
	if b := flags["-bench"]; !regexp.MustCompile(b).MatchString("BenchmarkMotionAccuracy") || !strings.Contains(line, "./recorder/motion/") {
		t.Errorf("make bench-accuracy runs %q, want BenchmarkMotionAccuracy in ./recorder/motion/", line)
	}
}
