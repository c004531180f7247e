package recorder_test

import (
	"context"
	"errors"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/porchlight/porchlight/internal/testutil"
	"github.com/porchlight/porchlight/recorder"
	"github.com/porchlight/porchlight/recorder/mediatest"
)

// TestSetCamerasAtRunTime adds a camera to a running recorder, moves it to another camera and back, and
// checks that a camera left as it was keeps recording without a reconnect throughout.
func TestSetCamerasAtRunTime(t *testing.T) {
	camA := startCamera(t, nil, nil)
	camB := startCamera(t, nil, nil)
	camC := startCamera(t, loadClip(t, "h264_720.mp4"), nil)
	steady := recorder.CameraConfig{Name: "steady", URL: camA.URL()}
	r := startRecorder(t, recorder.Config{SegmentDuration: 30 * time.Second, BackoffMin: 100 * time.Millisecond,
		BackoffMax: 200 * time.Millisecond, Cameras: []recorder.CameraConfig{steady}})
	steadyStart, _ := waitRecorded(t, r, "steady", time.Second)

	t.Run("add", func(t *testing.T) {
		if _, err := r.Spans("porch", "", steadyStart, time.Now()); !errors.Is(err, recorder.ErrUnknownCamera) {
			t.Fatalf("Spans of a camera not yet added: got %v, want ErrUnknownCamera", err)
		}
		if err := r.SetCameras([]recorder.CameraConfig{steady, {Name: "porch", URL: camB.URL()}}); err != nil {
			t.Fatal(err)
		}
		waitRecorded(t, r, "porch", 2*time.Second)
	})
	t.Run("change url", func(t *testing.T) {
		changed := time.Now()
		if err := r.SetCameras([]recorder.CameraConfig{steady, {Name: "porch", URL: camC.URL(), Transport: "udp"}}); err != nil {
			t.Fatal(err)
		}
		// The new camera's picture is 480 wide: footage after the change comes from it, in a new run.
		mediatest.WaitFor(t, 40*time.Second, "footage of the second camera", func() bool {
			spans, err := r.Spans("porch", "", changed, time.Now())
			if err != nil || len(spans) == 0 || spans[len(spans)-1].End.Sub(spans[len(spans)-1].Start) < 2*time.Second {
				return false
			}
			last := spans[len(spans)-1]
			v, _ := mediatest.ProbeFile(t, exportFile(t, r, "porch", last.Start, last.End)).Stream("video")
			return v.Width == 480
		})
		spans, _ := r.Spans("porch", "", time.Now().Add(-time.Hour), time.Now())
		if len(spans) < 2 {
			t.Errorf("spans of porch: got %d, want the run before the change and one after", len(spans))
		}
	})
	t.Run("unchanged camera untouched", func(t *testing.T) {
		st := status(r, "steady")
		if st.State != recorder.StateRecording || st.Reconnects != 0 {
			t.Errorf("steady after two SetCameras: got %+v, want recording without reconnects", st)
		}
		spans, err := r.Spans("steady", "", steadyStart, time.Now())
		if err != nil || len(spans) != 1 {
			t.Errorf("steady spans: got %v, %v, want one unbroken span", spans, err)
		}
	})
	t.Run("invalid set leaves cameras running", func(t *testing.T) {
		err := r.SetCameras([]recorder.CameraConfig{steady, steady})
		if err == nil {
			t.Fatal("SetCameras with a duplicate name: got nil error")
		}
		if got := len(r.Status()); got != 2 {
			t.Errorf("streams after a rejected SetCameras: got %d, want 2", got)
		}
	})
}

// TestSetCamerasRemove removes a recording camera: it leaves Status, its queries fail with
// ErrUnknownCamera, its live subscribers are let go and its goroutines end; its footage stays indexed.
func TestSetCamerasRemove(t *testing.T) {
	cam := startCamera(t, nil, nil)
	r, err := recorder.New(recorder.Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	// Once the camera is gone, only Run, its retention loop and its usage sampler may remain of what the
	// recorder started.
	before := testutil.Goroutines()
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { _ = r.Run(ctx) })
	t.Cleanup(func() {
		cancel()
		wg.Wait()
		r.Close()
	})

	if err := r.SetCameras([]recorder.CameraConfig{{Name: "front", URL: cam.URL(), SubURL: cam.URL()}}); err != nil {
		t.Fatal(err)
	}
	start, _ := waitRecorded(t, r, "front", 2*time.Second)
	hub, err := r.Live("front", "")
	if err != nil {
		t.Fatal(err)
	}
	parts, stop := hub.Subscribe(8)
	defer stop()
	if err := r.SetCameras(nil); err != nil {
		t.Fatal(err)
	}
	if st := r.Status(); len(st) != 0 {
		t.Errorf("Status after removal: got %+v, want no streams", st)
	}
	for _, q := range []struct {
		name string
		err  error
	}{
		{"Spans", func() error { _, err := r.Spans("front", "", start, time.Now()); return err }()},
		{"Export", func() error { _, err := r.Export("front", "", start, time.Now()); return err }()},
		{"Live", func() error { _, err := r.Live("front", "sub"); return err }()},
	} {
		if !errors.Is(q.err, recorder.ErrUnknownCamera) {
			t.Errorf("%s of a removed camera: got %v, want ErrUnknownCamera", q.name, q.err)
		}
	}
	for range parts { // closed when the camera's hub closes
	}
	pkg := reflect.TypeFor[recorder.Recorder]().PkgPath()
	before.CheckEnded(t, 10*time.Second, pkg+".(*Recorder).Run", pkg+".(*Recorder).retentionLoop", pkg+".(*Recorder).usageLoop")

	// Adding it back finds the footage recorded before the removal, and records on.
	if err := r.SetCameras([]recorder.CameraConfig{{Name: "front", URL: cam.URL()}}); err != nil {
		t.Fatal(err)
	}
	spans, err := r.Spans("front", "", start, time.Now())
	if err != nil || len(spans) == 0 || spans[0].End.Sub(spans[0].Start) < 2*time.Second {
		t.Errorf("spans after adding the camera back: got %v, %v, want the footage from before", spans, err)
	}
}
