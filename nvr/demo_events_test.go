package nvr_test

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/porchlight/porchlight/internal/testutil"
)

// TestDemoShowsEvents runs `porchlight demo` as `make run` does and checks that it shows motion events
// within its first minute: the demo node's embedded camera plays a still scene crossed by a passer-by
// every 20 s, so GET /api/v1/events lists a motion event on camera "demo" within 60 s of the start,
// and the simulated neighbors' cameras (the same clip) give events too, read with `porchlight events`.
func TestDemoShowsEvents(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the demo for up to 90 s")
	}
	bin := porchlightBin(t)
	began := time.Now()
	demo := exec.Command(bin, "demo", "--dir", t.TempDir(), "--listen", "127.0.0.1:0")
	demo.Stderr = io.Discard // the demo logs every camera and peer; the test reads what it prints
	stdout, _ := demo.StdoutPipe()
	if err := demo.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	t.Cleanup(func() {
		_ = demo.Process.Signal(syscall.SIGINT)
		select {
		case err := <-exited:
			if err != nil {
				t.Errorf("demo after SIGINT: %v", err)
			}
		case <-time.After(10 * time.Second):
			_ = demo.Process.Kill()
			t.Errorf("demo did not stop within 10 s of SIGINT")
		}
	})

	// The demo prints its API address and token first, then (once the neighborhood is up) the
	// walk-through, whose H2 and H3 are the two simulated homes' config files.
	var mu sync.Mutex
	printed := map[string]string{}
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			for _, key := range []string{"UI/API:", "API token:", "H2=", "H3="} {
				if v, ok := strings.CutPrefix(line, key); ok {
					mu.Lock()
					printed[key] = strings.Trim(strings.TrimSpace(v), "'")
					mu.Unlock()
				}
			}
		}
		exited <- demo.Wait()
	}()
	get := func(key string) string {
		mu.Lock()
		defer mu.Unlock()
		return printed[key]
	}
	testutil.WaitFor(t, 30*time.Second, "the demo's API address and token", func() bool {
		return get("UI/API:") != "" && get("API token:") != ""
	})
	base, tok := get("UI/API:"), get("API token:")

	// The passer-by crosses for 6 s of every 20 and the event closes 10 s (the post-roll) later, so
	// within the first minute an event has opened and closed, spanning about those 6 s.
	var evs []apiEvent
	testutil.WaitFor(t, 60*time.Second-time.Since(began), "a closed motion event on the demo camera", func() bool {
		evs = demoEvents(t, base, tok)
		return len(evs) > 0 && evs[len(evs)-1].End != nil
	})
	first := evs[len(evs)-1] // newest first
	t.Logf("demo node: first event %+v, closed %.0f s after the demo started", first, time.Since(began).Seconds())
	if first.Camera != "demo" || first.Kind != "motion" || first.Score <= 0 {
		t.Errorf("demo node event %+v: want a motion event of camera demo with a score", first)
	}
	if d := first.End.Sub(first.Start); d < 4*time.Second || d > 9*time.Second {
		t.Errorf("demo node event %+v lasted %v; want about the passer-by's 6 s", first, d)
	}

	// The neighbors' cameras record the same clip from when their homes started: within the test's
	// 90 s, each of the two homes lists a motion event of its own.
	testutil.WaitFor(t, 30*time.Second, "the walk-through with the homes' configs", func() bool {
		return get("H2=") != "" && get("H3=") != ""
	})
	for _, key := range []string{"H2=", "H3="} {
		cfg := get(key)
		testutil.WaitFor(t, 90*time.Second-time.Since(began), "a motion event at the home of "+cfg, func() bool {
			evs = cliEvents(t, bin, cfg)
			return len(evs) > 0
		})
		if e := evs[0]; e.Kind != "motion" || e.Camera == "" {
			t.Errorf("%s: event %+v, want a motion event with its camera", cfg, e)
		}
	}
	t.Logf("all three homes list events %.0f s after the demo started", time.Since(began).Seconds())
}

// demoEvents lists a node's events through GET /api/v1/events.
func demoEvents(t *testing.T, base, tok string) []apiEvent {
	t.Helper()
	resp, body := apiGet(t, base, tok, "/api/v1/events")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /api/v1/events: %s %s", resp.Status, body)
	}
	var evs []apiEvent
	if err := json.Unmarshal(body, &evs); err != nil {
		t.Fatalf("GET /api/v1/events: %v: %s", err, body)
	}
	return evs
}

// cliEvents lists a node's events with `porchlight events --config cfg --json`.
func cliEvents(t *testing.T, bin, cfg string) []apiEvent {
	t.Helper()
	cmd := exec.Command(bin, "events", "--config", cfg, "--json")
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("porchlight events --config %s: %v", cfg, err)
	}
	var evs []apiEvent
	if err := json.Unmarshal(out, &evs); err != nil {
		t.Fatalf("porchlight events --config %s: %v: %s", cfg, err, out)
	}
	return evs
}
