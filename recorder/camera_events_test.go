package recorder_test

import (
	"bytes"
	"context"
	"encoding/xml"
	"image"
	"image/jpeg"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/porchlight/porchlight/internal/testutil"
	"github.com/porchlight/porchlight/recorder"
	"github.com/porchlight/porchlight/recorder/onvif/onviftest"
)

// motionDevice is a Go stand-in for an ONVIF camera's events service, answering with the hand-written
// responses of recorder/onvif/testdata: its motion state is what the test sets.
type motionDevice struct {
	motion atomic.Bool
	pulls  atomic.Int64
}

func (d *motionDevice) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/snap.jpg" {
		var b bytes.Buffer
		_ = jpeg.Encode(&b, image.NewGray(image.Rect(0, 0, 64, 48)), nil)
		w.Header().Set("Content-Type", "image/jpeg")
		w.Write(b.Bytes())
		return
	}
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<16))
	var env struct {
		Body struct {
			Inner struct{ XMLName xml.Name } `xml:",any"`
		}
	}
	_ = xml.Unmarshal(body, &env)
	action := env.Body.Inner.XMLName.Local
	file := map[string]string{"GetSystemDateAndTime": "GetSystemDateAndTime.xml", "GetCapabilities": "GetCapabilities.xml",
		"CreatePullPointSubscription": "CreatePullPointSubscription.xml", "PullMessages": "PullMessagesMotion.xml"}[action]
	if file == "" {
		w.WriteHeader(http.StatusNotFound)
		return
	}
	if action == "PullMessages" {
		d.pulls.Add(1)
	}
	b, _ := os.ReadFile(filepath.Join("onvif", "testdata", file))
	state := "false"
	if d.motion.Load() {
		state = "true"
	}
	now := time.Now().UTC()
	b = []byte(strings.NewReplacer("{{STATE}}", state, "{{OP}}", "Changed", "{{ID}}", "1", "{{DATE}}", "",
		"{{NOW}}", now.Format(time.RFC3339), "{{TERMINATION}}", now.Add(time.Minute).Format(time.RFC3339)).Replace(string(b)))
	w.Header().Set("Content-Type", "application/soap+xml")
	w.Write(b)
}

// cameraEventsOf lists the events of kind camera.
func cameraEventsOf(t *testing.T, r *recorder.Recorder) []recorder.Event {
	t.Helper()
	evs, err := r.Events(recorder.EventQuery{Camera: "front", Kind: "camera"})
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

// TestCameraEvents follows a camera's own motion over ONVIF: motion on opens one event of kind camera,
// which gets the camera's snapshot_url picture, motion off closes it, and motion again opens a second.
func TestCameraEvents(t *testing.T) {
	dev := &motionDevice{}
	srv := httptest.NewServer(dev)
	t.Cleanup(srv.Close)
	r := runRecorder(t, recorder.Config{DataDir: t.TempDir(), BackoffMin: 50 * time.Millisecond, BackoffMax: 100 * time.Millisecond,
		Cameras: []recorder.CameraConfig{{Name: "front", URL: "rtsp://127.0.0.1:1/none", SnapshotURL: srv.URL + "/snap.jpg",
			ONVIF: &recorder.ONVIFConfig{URL: strings.Replace(srv.URL, "http://", "http://admin:pw@", 1) + "/onvif/device_service", Events: true}}}})
	testutil.WaitFor(t, 10*time.Second, "pulls", func() bool { return dev.pulls.Load() > 0 })
	if evs := cameraEventsOf(t, r); len(evs) != 0 {
		t.Fatalf("events before any motion: %+v", evs)
	}
	dev.motion.Store(true)
	testutil.WaitFor(t, 10*time.Second, "a camera event to open", func() bool { return len(cameraEventsOf(t, r)) == 1 })
	e := cameraEventsOf(t, r)[0]
	if !e.End.IsZero() {
		t.Errorf("event %+v closed while the camera reports motion", e)
	}
	testutil.WaitFor(t, 10*time.Second, "the event's snapshot", func() bool {
		b, err := r.EventSnapshot(e.ID)
		return err == nil && len(b) > 0
	})
	dev.motion.Store(false)
	testutil.WaitFor(t, 10*time.Second, "the camera event to close", func() bool {
		evs := cameraEventsOf(t, r)
		return len(evs) == 1 && !evs[0].End.IsZero()
	})
	dev.motion.Store(true)
	testutil.WaitFor(t, 10*time.Second, "a second camera event", func() bool { return len(cameraEventsOf(t, r)) == 2 })
}

// TestCameraEventsFromRecordedDevice subscribes to the third-party peer (the onvif npm package's recorded
// device, whose PullMessages carry CellMotionDetector IsMotion true at random; it never reports motion
// off): an event of kind camera opens, and closes when the recorder stops.
func TestCameraEventsFromRecordedDevice(t *testing.T) {
	dev := onviftest.StartPeer(t, "", "127.0.0.1", onviftest.FreePort(t))
	dir := t.TempDir()
	cfg := recorder.Config{DataDir: dir, BackoffMin: 50 * time.Millisecond, BackoffMax: 100 * time.Millisecond,
		Cameras: []recorder.CameraConfig{{Name: "front", URL: "rtsp://127.0.0.1:1/none",
			ONVIF: &recorder.ONVIFConfig{URL: dev, Events: true}}}}
	r, err := recorder.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan struct{})
	go func() { _ = r.Run(ctx); close(done) }()
	testutil.WaitFor(t, 20*time.Second, "a camera event from the peer", func() bool { return len(cameraEventsOf(t, r)) == 1 })
	cancel()
	<-done
	evs := cameraEventsOf(t, r)
	r.Close()
	if len(evs) != 1 || evs[0].End.IsZero() || evs[0].Kind != "camera" {
		t.Errorf("after stopping: %+v, want one closed camera event", evs)
	}
}
