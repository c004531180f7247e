package nvr

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/porchlight/porchlight/federation"
	"github.com/porchlight/porchlight/recorder/mediatest"
)

// TestDemoHood runs the demo's neighborhood twice in one dir, as `porchlight demo --dir` does. The first
// run founds the hood, both homes and the agency join; the second (on new ports) keeps the same four
// members, reconnects them, and no one joins twice. In each run the agency is in the directory with its
// scope, the walk-through names every node's config file and address (which the CLI finds through that
// file), and a home's sample alert reaches the demo node with its place, the next sample each time.
func TestDemoHood(t *testing.T) {
	dir := t.TempDir()
	for run := 1; run <= 2; run++ {
		t.Run(fmt.Sprintf("run %d", run), func(t *testing.T) {
			n, town, out := startDemo(t, dir)
			hoods := n.fed.Hoods()
			if len(hoods) != 1 || hoods[0].Name != "Elm Street" {
				t.Fatalf("demo node hoods: got %+v, want one, Elm Street", hoods)
			}
			want := []string{"Elm Street 14/household", "Elm Street 16/household", "Elm Street Police/agency",
				"Porchlight demo/household"}
			var got []string
			mediatest.WaitFor(t, 30*time.Second, "4 members, all online", func() bool {
				ms, err := n.fed.Members(hoods[0].ID)
				if err != nil {
					t.Fatal(err)
				}
				got = got[:0]
				for _, m := range ms {
					if m.Online || m.Self {
						got = append(got, m.Name+"/"+m.Role)
					}
				}
				slices.Sort(got)
				return len(ms) == 4 && slices.Equal(got, want)
			})
			checkDemoAgency(t, n)
			checkWalkthrough(t, town, out)
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

// checkDemoAgency checks that the demo node's directory holds the agency, admitted with demoAgencyScope.
func checkDemoAgency(t *testing.T, n *Node) {
	t.Helper()
	dir := n.ag.Directory()
	if len(dir) != 1 {
		t.Fatalf("agency directory: got %d entries %+v, want 1", len(dir), dir)
	}
	e, s := dir[0], demoAgencyScope
	if e.Name != demoAgencyName || e.Revoked || e.Lat != s.Lat || e.Lon != s.Lon || e.Radius != s.Radius ||
		e.PerDay != s.PerDay || e.MaxAreaSqMi < 0.49 || e.MaxAreaSqMi > 0.51 || !e.Expires.After(time.Now()) {
		t.Errorf("agency entry: got %+v, want %s admitted with %+v", e, demoAgencyName, s)
	}
}

// checkWalkthrough checks that the walk-through names each member's config file, address and password,
// and that the CLI's client, made from that config file, reaches the member's address.
func checkWalkthrough(t *testing.T, town *demoTown, out string) {
	t.Helper()
	members := append(append([]*demoMember{town.Self}, town.Homes...), town.Agency)
	for _, m := range members {
		addr := "http://" + m.Node.HTTPAddr()
		for _, s := range []string{m.Config, addr, "admin / " + m.Password} {
			if m.Password == "" || !strings.Contains(out, s) {
				t.Errorf("walk-through: no %q for %s in:\n%s", s, m.Name, out)
			}
		}
		cfg, err := Load(m.Config)
		if err != nil {
			t.Fatal(err)
		}
		c, err := NewClient(cfg)
		if err != nil {
			t.Fatal(err)
		}
		if c.Base != addr {
			t.Errorf("%s: CLI client from %s: got base %s, want %s", m.Name, m.Config, c.Base, addr)
		}
	}
	for _, cmd := range []string{`request post --config "$AGENCY"`, `request list --config "$H2" --json`,
		`request approve --config "$H2" "$ID" --camera front`, `submission list --config "$AGENCY"`} {
		if !strings.Contains(out, cmd) {
			t.Errorf("walk-through: no %q in:\n%s", cmd, out)
		}
	}
}

// startDemo runs the demo's node (without a camera) and its neighborhood from dir until the test ends.
// It returns when the neighborhood is up, with the walk-through it printed.
func startDemo(t *testing.T, dir string) (*Node, *demoTown, string) {
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
	var out strings.Builder
	started := make(chan *demoTown, 1)
	go func() { nodeDone <- n.Run(ctx) }()
	go func() {
		hoodDone <- runDemoTown(ctx, n, dir, &out, func(town *demoTown) { started <- town })
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-hoodDone; err != nil {
			t.Errorf("runDemoTown: %v", err)
		}
		if err := <-nodeDone; err != nil {
			t.Errorf("node: %v", err)
		}
	})
	select {
	case town := <-started:
		return n, town, out.String() // written before started was called
	case err := <-hoodDone:
		hoodDone <- err
		t.Fatalf("demo neighborhood did not start: %v", err)
	case <-time.After(90 * time.Second):
		t.Fatal("demo neighborhood not up within 90s")
	}
	return nil, nil, ""
}
