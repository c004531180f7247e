package recorder_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/porchlight/porchlight/internal/testutil"
	"github.com/porchlight/porchlight/recorder"
)

// TestRunLeavesNoGoroutines: Run returns only when every session, writer and loop it started has
// stopped, and a live subscriber's channel is closed.
func TestRunLeavesNoGoroutines(t *testing.T) {
	cam := startCamera(t, nil, nil)
	before := testutil.Goroutines()
	r, err := recorder.New(recorder.Config{DataDir: t.TempDir(),
		Cameras: []recorder.CameraConfig{{Name: "front", URL: cam.URL(), SubURL: cam.URL()}}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { _ = r.Run(ctx) })
	hub, err := r.Live("front", "")
	if err != nil {
		t.Fatal(err)
	}
	parts, stop := hub.Subscribe(8)
	defer stop()
	select {
	case <-parts:
	case <-time.After(20 * time.Second):
		t.Fatal("no live part within 20s")
	}
	cancel()
	wg.Wait()
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	for range parts { // closed by Run's end
	}
	before.CheckEnded(t, 5*time.Second)
}
