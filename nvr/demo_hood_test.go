package nvr

import (
	"context"
	"fmt"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/porchlight/porchlight/federation"
	"github.com/porchlight/porchlight/recorder/mediatest"
)

// TestDemoHood runs the demo's simulated neighborhood twice in one dir, as `porchlight demo --dir` does.
// The first run founds the hood and both neighbors join; the second (on new ports) keeps the same three
// members, reconnects them, and no one joins twice. In each run a neighbor's sample alert reaches the
// demo node with its place, the next sample each time.
func TestDemoHood(t *testing.T) {
	dir := t.TempDir()
	for run := 1; run <= 2; run++ {
		t.Run(fmt.Sprintf("run %d", run), func(t *testing.T) {
			n := startDemo(t, dir)
			var hoods []federation.HoodInfo
			mediatest.WaitFor(t, 10*time.Second, "the demo hood", func() bool {
				hoods = n.fed.Hoods()
				return len(hoods) > 0
			})
			if len(hoods) != 1 || hoods[0].Name != "Elm Street" {
				t.Fatalf("demo node hoods: got %+v, want one, Elm Street", hoods)
			}
			want := []string{"Elm Street 14", "Elm Street 16", "Porchlight demo"}
			var got []string
			mediatest.WaitFor(t, 30*time.Second, "3 members, all online", func() bool {
				ms, err := n.fed.Members(hoods[0].ID)
				if err != nil {
					t.Fatal(err)
				}
				got = got[:0]
				for _, m := range ms {
					if m.Online || m.Self {
						got = append(got, m.Name)
					}
				}
				slices.Sort(got)
				return len(ms) == 3 && slices.Equal(got, want)
			})
			var alerts []federation.Alert
			mediatest.WaitFor(t, 30*time.Second, fmt.Sprintf("%d alerts from Elm Street 14", run), func() bool {
				as, err := n.fed.Alerts("", time.Time{})
				if err != nil {
					t.Fatal(err)
				}
				alerts = as
				return len(as) == run
			})
			texts := map[string]bool{}
			for _, a := range alerts {
				if texts[a.Text] {
					t.Errorf("alert text %q posted twice; want the next sample on each run", a.Text)
				}
				texts[a.Text] = true
				if a.AuthorName != "Elm Street 14" || a.Mine || a.Lat == nil || a.Lon == nil {
					t.Fatalf("alert %+v: want one by Elm Street 14 with a place", a)
				}
				if d := math.Hypot(*a.Lat-demoPlace[0], *a.Lon-demoPlace[1]); d > 0.01 {
					t.Errorf("alert place %.4f,%.4f: got %.4f° from %v, want < 0.01°", *a.Lat, *a.Lon, d, demoPlace)
				}
			}
		})
	}
}

// startDemo runs the demo's node (without a camera) and its neighborhood from dir until the test ends.
func startDemo(t *testing.T, dir string) *Node {
	t.Helper()
	cfg, _, err := demoConfig(dir)
	if err != nil {
		t.Fatal(err)
	}
	cfg.HTTP.Listen = "127.0.0.1:0"
	cfg.P2P.Listen, cfg.P2P.MDNS = []string{"/ip4/127.0.0.1/tcp/0"}, false
	n, err := NewNode(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	nodeDone, hoodDone := make(chan error, 1), make(chan error, 1)
	go func() { nodeDone <- n.Run(ctx) }()
	go func() { hoodDone <- runDemoHood(ctx, n, dir) }()
	t.Cleanup(func() {
		cancel()
		if err := <-hoodDone; err != nil {
			t.Errorf("runDemoHood: %v", err)
		}
		if err := <-nodeDone; err != nil {
			t.Errorf("node: %v", err)
		}
	})
	return n
}
