package nvr

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/porchlight/porchlight/federation"
	"github.com/porchlight/porchlight/recorder/democam"
)

// The demo's simulated neighborhood on 127.0.0.1: the demo node (household 1, with the embedded camera),
// two more households that record an embedded camera of their own, and an agency node admitted with a
// scope around them. Each simulated member is a full Node with its own keys, stores, config file and HTTP
// API, so the walk-through the demo prints drives them with the shipped CLI.
//
// Cost: three extra Nodes (libp2p host, recorder, HTTP server) and one more embedded camera server that
// the two homes share, each recording a 500 kbit/s stream. On a Raspberry Pi 4 this is well within reach;
// the first run also hashes three admin passwords (64 MiB and about a second each, one after the other).

// demoNeighbors are the simulated homes' display names; the first one posts the sample alerts.
var demoNeighbors = []string{"Elm Street 14", "Elm Street 16"}

// The neighbor posts its first sample alert demoFirstAlert after joining (gossipsub needs a moment to
// learn that the demo node subscribes; an alert posted before that waits for the next sync, up to 5 min),
// then another every demoAlertEvery.
const (
	demoFirstAlert = 3 * time.Second
	demoAlertEvery = 3 * time.Minute
)

// demoPlace is where the demo node's camera is and the sample alerts happen (lower Manhattan), offset a
// little for each alert.
var demoPlace = [2]float64{40.7128, -74.0060}

var demoAlerts = []struct {
	category, text string
	dLat, dLon     float64
}{
	{"suspicious", "A white van has been circling the block slowly for 20 minutes.", 0.0012, -0.0008},
	{"lost-pet", "Our grey cat Miso is missing since this morning. She is shy: please check your sheds.", -0.0006, 0.0011},
	{"safety", "The street light at the corner is out again; take care walking home.", 0.0004, 0.0015},
	{"theft", "A parcel was taken from our porch around noon.", -0.0013, -0.0004},
}

// demoTown is the running demo neighborhood.
type demoTown struct {
	Hood   federation.HoodInfo
	Self   *demoMember   // the demo node: household 1
	Homes  []*demoMember // the simulated households, in the order of demoNeighbors
	Agency *demoMember
}

// runDemoTown gives the demo node a hood (when it has none) and starts the simulated members kept in
// sub-dirs of dir, who join with invites from the demo node on the first run; then it prints the
// walk-through to out and calls started (when not nil) with the members. One home posts a sample alert
// soon after and every demoAlertEvery. It returns when ctx is done and the members have stopped, or
// earlier with an error when the neighborhood cannot be set up.
func runDemoTown(ctx context.Context, n *Node, dir string, out io.Writer, started func(*demoTown)) error {
	// The homes share one embedded camera server: one pacer and two RTSP sessions are cheaper than two.
	// It closes after the homes have stopped, so that their recorders do not log a lost camera.
	cam := &democam.Server{Addr: "127.0.0.1:0", Clip: democam.Porch()} // still stretches and motion: events
	if err := cam.Start(); err != nil {
		return fmt.Errorf("demo camera: %w", err)
	}
	defer cam.Close()
	var wg sync.WaitGroup
	defer wg.Wait() // after cancel below: the members stop on every return
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	town, err := startDemoTown(ctx, &wg, n, dir, cam.URL())
	if err != nil {
		return err
	}
	printDemoWalkthrough(out, town)
	if started != nil {
		started(town)
	}
	poster := town.Homes[0].Node.fed
	next := time.NewTimer(demoFirstAlert)
	defer next.Stop()
	sent, _ := poster.Alerts("", time.Time{})
	for i := len(sent); ; i++ { // a later run goes on with the next sample
		select {
		case <-ctx.Done():
			return nil
		case <-next.C:
		}
		s := demoAlerts[i%len(demoAlerts)]
		lat, lon := demoPlace[0]+s.dLat, demoPlace[1]+s.dLon
		d := federation.AlertDraft{Text: s.text, Category: s.category, Lat: &lat, Lon: &lon}
		if _, err := poster.PostAlert(ctx, d); err != nil {
			n.log.Warn("demo neighbor: alert not posted", "err", err) // stored anyway: sync delivers it
		}
		next.Reset(demoAlertEvery)
	}
}

// startDemoTown sets up the hood and starts its simulated members until ctx is done (wg tracks them);
// the homes record the embedded camera at camURL.
func startDemoTown(ctx context.Context, wg *sync.WaitGroup, n *Node, dir, camURL string) (*demoTown, error) {
	if len(n.fed.Hoods()) == 0 {
		if _, err := n.fed.CreateHood("Elm Street"); err != nil {
			return nil, fmt.Errorf("demo hood: %w", err)
		}
	}
	pw, err := os.ReadFile(filepath.Join(dir, demoPasswordFile))
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	t := &demoTown{Hood: n.fed.Hoods()[0],
		Self: &demoMember{Name: n.cfg.Name, Config: n.cfg.Path, Password: strings.TrimSpace(string(pw)), Node: n}}
	placeDemoCameras(n)
	if n.cfg.Path != "" {
		if err := setHTTPListen(n.cfg.Path, n.HTTPAddr()); err != nil { // for the CLI, as for the others
			n.log.Warn("demo: the CLI will not find this node", "err", err)
		}
	}
	for i, name := range demoNeighbors {
		h, err := startDemoHome(ctx, wg, n, dir, t.Hood.ID, camURL, i)
		if err != nil {
			return nil, fmt.Errorf("demo home %s: %w", name, err)
		}
		t.Homes = append(t.Homes, h)
	}
	if t.Agency, err = startDemoAgency(ctx, wg, n, dir, t.Hood.ID); err != nil {
		return nil, fmt.Errorf("demo agency: %w", err)
	}
	return t, nil
}

// slug turns a display name into a directory name: "Elm Street 14" is elm-street-14.
func slug(name string) string { return strings.ToLower(strings.ReplaceAll(name, " ", "-")) }
