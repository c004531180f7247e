package nvr

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/porchlight/porchlight/internal/testutil"
	"github.com/porchlight/porchlight/recorder"
	"github.com/porchlight/porchlight/recorder/onvif/onviftest"
)

// TestWatchEventsCameraKind: motion a camera reports itself over ONVIF (the third-party recorded device's
// CellMotionDetector messages) opens an event of kind camera, which notifies like a motion event.
func TestWatchEventsCameraKind(t *testing.T) {
	dev := onviftest.StartPeer(t, "", "127.0.0.1", onviftest.FreePort(t))
	nt, n := ntfyNotifier(t)
	rec, err := recorder.New(recorder.Config{DataDir: t.TempDir(), BackoffMin: 50 * time.Millisecond, BackoffMax: 100 * time.Millisecond,
		Cameras: []recorder.CameraConfig{{Name: "front", URL: "rtsp://127.0.0.1:1/none",
			ONVIF: &recorder.ONVIFConfig{URL: dev, Events: true}}}})
	if err != nil {
		t.Fatal(err)
	}
	w := &notifications{n: n, rec: rec, base: func() string { return "https://nvr.example" }, log: slog.New(slog.DiscardHandler)}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { w.watchEvents(ctx) })
	wg.Go(func() { _ = n.Run(ctx) })
	wg.Go(func() { _ = rec.Run(ctx) })
	t.Cleanup(func() { cancel(); wg.Wait(); _ = n.Close(); _ = rec.Close() })
	testutil.WaitFor(t, 20*time.Second, "a notification of the camera's motion", func() bool { return len(nt.Messages()) > 0 })
	m := nt.Messages()[0]
	if m.Title != "Motion: front" || !strings.Contains(m.Click, "#/events?camera=front") {
		t.Errorf("notification %+v", m)
	}
}
