package nvr

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/porchlight/porchlight/federation"
)

// The demo's simulated neighborhood: two neighbors run in-process so that the Neighborhood page has
// members, alerts and a map to show without a second machine. They are real federation nodes with their
// own keys and stores, talking to the demo node over 127.0.0.1.

// demoNeighbors are the neighbors' display names; the first one posts the sample alerts.
var demoNeighbors = []string{"Elm Street 14", "Elm Street 16"}

// The neighbor posts its first sample alert demoFirstAlert after joining (gossipsub needs a moment to
// learn that the demo node subscribes; an alert posted before that waits for the next sync, up to 5 min),
// then another every demoAlertEvery.
const (
	demoFirstAlert = 3 * time.Second
	demoAlertEvery = 3 * time.Minute
)

// demoPlace is where the sample alerts happen (lower Manhattan), offset a little for each alert.
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

// runDemoHood gives the demo node a hood (when it has none) and two simulated neighbors kept in sub-dirs
// of dir, who join with invites from the demo node on the first run; one of them posts a sample alert
// soon after and every demoAlertEvery. It returns when ctx is done and the neighbors have stopped, or earlier
// with an error when the neighborhood cannot be set up.
func runDemoHood(ctx context.Context, n *Node, dir string) error {
	var wg sync.WaitGroup
	defer wg.Wait() // after cancel below: the neighbors stop on every return
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if len(n.fed.Hoods()) == 0 {
		if _, err := n.fed.CreateHood("Elm Street"); err != nil {
			return fmt.Errorf("demo hood: %w", err)
		}
	}
	var poster *federation.Node
	for _, name := range demoNeighbors {
		slug := strings.ToLower(strings.ReplaceAll(name, " ", "-"))
		f, err := startNeighbor(ctx, &wg, n, filepath.Join(dir, "neighbors", slug), name)
		if err != nil {
			return fmt.Errorf("demo neighbor %s: %w", name, err)
		}
		if poster == nil {
			poster = f
		}
	}
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

// startNeighbor runs a federation node in dir until ctx is done (wg tracks it) and makes it a member of
// the demo node's hood.
func startNeighbor(ctx context.Context, wg *sync.WaitGroup, demo *Node, dir, name string) (*federation.Node, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	if _, err := CreateIdentity(dir); err != nil && !errors.Is(err, fs.ErrExist) {
		return nil, err
	}
	key, err := LoadIdentity(dir)
	if err != nil {
		return nil, err
	}
	log := demo.log.With("component", "demo-neighbor", "neighbor", name)
	f, err := federation.New(federation.Config{DataDir: dir, Key: key, Name: name,
		Listen: []string{"/ip4/127.0.0.1/tcp/0"}, Logger: log})
	if err != nil {
		return nil, err
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		_ = f.Run(ctx)
		if err := f.Close(); err != nil {
			log.Warn("close", "err", err)
		}
	}()
	jctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if len(f.Hoods()) > 0 {
		// A member from an earlier run: the demo node listens on new ports now, so tell it where.
		err = f.Host().Connect(jctx, peer.AddrInfo{ID: demo.fed.ID(), Addrs: demo.fed.Host().Addrs()})
	} else {
		var inv federation.InviteInfo
		if inv, err = demo.fed.Invite(demo.fed.Hoods()[0].ID, "household", time.Hour, nil); err == nil {
			_, err = f.Join(jctx, inv.Code)
		}
	}
	if err != nil {
		return nil, err
	}
	return f, nil
}
