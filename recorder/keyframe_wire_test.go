package recorder_test

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/porchlight/porchlight/internal/testutil"
	"github.com/porchlight/porchlight/recorder"
	"github.com/porchlight/porchlight/recorder/democam"
	"github.com/porchlight/porchlight/recorder/mediatest"
)

// boxClip is mediatest.BoxClip loaded: motion only in the left half, 4 s in every 10.
func boxClip(t *testing.T) *democam.Clip {
	t.Helper()
	c, err := democam.LoadClip(mediatest.BoxClip(t))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var (
	leftHalf  = recorder.Polygon{{X: 0, Y: 0}, {X: 0.5, Y: 0}, {X: 0.5, Y: 1}, {X: 0, Y: 1}}
	rightHalf = recorder.Polygon{{X: 0.55, Y: 0}, {X: 1, Y: 0}, {X: 1, Y: 1}, {X: 0.55, Y: 1}}
)

func withZones(zones, masks []recorder.Polygon) recorder.MotionConfig {
	m := quickMotion
	m.Zones, m.Masks = zones, masks
	return m
}

// keyframeStatus is the keyframe stage's status of camera's main stream.
func keyframeStatus(r *recorder.Recorder, camera string) recorder.KeyframeStatus {
	if st := status(r, camera); st.Keyframe != nil {
		return *st.Keyframe
	}
	return recorder.KeyframeStatus{}
}

// waitSnapshot waits for event id's snapshot and checks it is a JPEG of w×h.
func waitSnapshot(t *testing.T, r *recorder.Recorder, id uint64, w, h int) []byte {
	t.Helper()
	var b []byte
	mediatest.WaitFor(t, 30*time.Second, fmt.Sprintf("a snapshot of event %d", id), func() bool {
		var err error
		b, err = r.EventSnapshot(id)
		return err == nil
	})
	img, err := jpeg.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("snapshot of event %d does not decode as JPEG: %v", id, err)
	}
	if got := img.Bounds().Size(); got != image.Pt(w, h) {
		t.Errorf("snapshot of event %d is %v, want %dx%d (the camera's size and aspect)", id, got, w, h)
	}
	return b
}

// TestZonesAndMasksGateEvents records one camera whose only motion is a box moving in the left half, as
// three cameras: with a zone on the left half an event opens (with a snapshot of the camera's size); with
// a mask on the left half, or a zone on the right half, the compressed stage suspects motion every loop
// and the keyframe stage vetoes it, so no event opens.
func TestZonesAndMasksGateEvents(t *testing.T) {
	mediatest.Require(t, "ffmpeg")
	cam := startCamera(t, boxClip(t), nil)
	r := runRecorder(t, recorder.Config{DataDir: t.TempDir(), Cameras: []recorder.CameraConfig{
		{Name: "zone", URL: cam.URL(), Motion: withZones([]recorder.Polygon{leftHalf}, nil)},
		{Name: "mask", URL: cam.URL(), Motion: withZones(nil, []recorder.Polygon{leftHalf})},
		{Name: "outside", URL: cam.URL(), Motion: withZones([]recorder.Polygon{rightHalf}, nil)},
	}})
	evs, stop := r.SubscribeEvents(64)
	defer stop()
	var zoneEvent recorder.Event
	deadline := time.After(90 * time.Second)
	for zoneEvent.ID == 0 || keyframeStatus(r, "mask").Vetoed == 0 || keyframeStatus(r, "outside").Vetoed == 0 {
		select {
		case e := <-evs:
			if e.Camera != "zone" {
				t.Fatalf("event %+v of camera %q: its motion lies outside its zones or inside its masks", e, e.Camera)
			}
			if zoneEvent.ID == 0 {
				zoneEvent = e
			}
		case <-time.After(time.Second):
		case <-deadline:
			t.Fatalf("within 90s: zone event %+v; mask %+v; outside %+v", zoneEvent,
				keyframeStatus(r, "mask"), keyframeStatus(r, "outside"))
		}
	}
	for _, name := range []string{"mask", "outside"} {
		if list, err := r.Events(recorder.EventQuery{Camera: name}); err != nil || len(list) != 0 {
			t.Errorf("camera %s: events %+v, %v; want none", name, list, err)
		}
	}
	waitSnapshot(t, r, zoneEvent.ID, 320, 240)
	// The snapshot is attached before it is counted: wait for the count.
	testutil.WaitFor(t, 5*time.Second, "the snapshot counted", func() bool { return keyframeStatus(r, "zone").SnapshotsTaken > 0 })
	st := keyframeStatus(r, "zone")
	if !st.ZonesChecked || st.ZonesNote != "" || st.SnapshotSource != recorder.SourceFFmpeg || st.NoSnapshotReason != "" ||
		st.Decoded == 0 || st.CPUNanos == 0 || st.Unchecked != 0 {
		t.Errorf("zone camera's keyframe status %+v: want zones checked, ffmpeg snapshots, keyframes decoded, CPU counted", st)
	}
	// The event's keyframe is the one the running decoder confirmed it on: its snapshot is that picture,
	// with no one-shot ffmpeg started.
	if st.SnapshotsFromDecoder == 0 || st.SnapshotsOneShot != 0 {
		t.Errorf("zone camera: %d snapshots from the decoder, %d one-shot; want them all from the decoder",
			st.SnapshotsFromDecoder, st.SnapshotsOneShot)
	}
	t.Logf("zone camera: %+v", st)
	for metric, min := range map[string]float64{"porchlight_keyframe_cpu_seconds_total": 1e-9,
		"porchlight_keyframes_decoded_total": 1, "porchlight_snapshots_taken_total": 1} {
		if got := metricValue(t, r, metric, "zone"); got < min {
			t.Errorf("%s{camera=zone}: got %g, want at least %g", metric, got, min)
		}
	}
	if got := metricValue(t, r, "porchlight_snapshots_failed_total", "zone"); got != 0 {
		t.Errorf("porchlight_snapshots_failed_total{camera=zone}: got %g, want 0", got)
	}
}

// hideFFmpeg leaves PATH without ffmpeg for the rest of the test (recorders made afterwards look it up).
func hideFFmpeg(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
}

// TestNoFFmpegEventsOpenAndStatusSaysWhy hides ffmpeg: a camera with a zone still gets events (the
// compressed stage decides alone), they have no snapshot, and the status says why in plain words.
func TestNoFFmpegEventsOpenAndStatusSaysWhy(t *testing.T) {
	clip := boxClip(t) // made with ffmpeg, before hiding it
	cam := startCamera(t, clip, nil)
	hideFFmpeg(t)
	r := runRecorder(t, recorder.Config{DataDir: t.TempDir(), Cameras: []recorder.CameraConfig{
		{Name: "front", URL: cam.URL(), Motion: withZones([]recorder.Polygon{rightHalf}, nil)}}})
	evs, stop := r.SubscribeEvents(16)
	defer stop()
	var e recorder.Event
	select {
	case e = <-evs:
	case <-time.After(60 * time.Second):
		t.Fatal("no event within 60s without ffmpeg")
	}
	st := keyframeStatus(r, "front")
	if st.FFmpeg || st.SnapshotSource != "" || !strings.HasPrefix(st.NoSnapshotReason, "ffmpeg not found on PATH and no snapshot_url") {
		t.Errorf("status %+v: want no ffmpeg, no snapshot source, and the reason", st)
	}
	if st.ZonesChecked || st.ZonesNote != recorder.NoFFmpegZones {
		t.Errorf("status %+v: want zones not checked, note %q", st, recorder.NoFFmpegZones)
	}
	t.Logf("no picture: %q; zones: %q", st.NoSnapshotReason, st.ZonesNote)
	mediatest.WaitFor(t, 30*time.Second, "the event to close", func() bool {
		got, err := r.Event(e.ID)
		return err == nil && !got.Open()
	})
	if _, err := r.EventSnapshot(e.ID); !errors.Is(err, recorder.ErrNoSnapshot) {
		t.Errorf("snapshot without any source: got %v, want ErrNoSnapshot", err)
	}
	if st := keyframeStatus(r, "front"); st.SnapshotsFailed != 0 || st.SnapshotsTaken != 0 || st.Decoded != 0 {
		t.Errorf("status %+v: want no snapshot attempted and nothing decoded", st)
	}
}

// digestCamera serves a JPEG behind HTTP Digest auth (MD5, qop=auth), checking the answer as a camera
// does.
type digestCamera struct {
	user, pass string
	jpeg       []byte
	served     atomic.Int64
}

func (c *digestCamera) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	const realm, nonce = "IP Camera", "5f2b1c9d"
	if !c.authorized(r, realm, nonce) {
		w.Header().Set("WWW-Authenticate", fmt.Sprintf(`Digest realm=%q, qop="auth", nonce=%q`, realm, nonce))
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	c.served.Add(1)
	w.Header().Set("Content-Type", "image/jpeg")
	_, _ = w.Write(c.jpeg)
}

func (c *digestCamera) authorized(r *http.Request, realm, nonce string) bool {
	h, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Digest ")
	if !ok {
		return false
	}
	p := map[string]string{}
	for _, kv := range strings.Split(h, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(kv), "=")
		p[k] = strings.Trim(v, `"`)
	}
	sum := func(s string) string { d := md5.Sum([]byte(s)); return hex.EncodeToString(d[:]) }
	ha1, ha2 := sum(c.user+":"+realm+":"+c.pass), sum(r.Method+":"+r.URL.RequestURI())
	want := sum(ha1 + ":" + nonce + ":" + p["nc"] + ":" + p["cnonce"] + ":auth:" + ha2)
	return p["username"] == c.user && p["nonce"] == nonce && p["qop"] == "auth" && p["response"] == want
}

// TestSnapshotURLWithoutFFmpeg hides ffmpeg and gives the camera a snapshot_url behind Digest auth: an
// event gets the camera's JPEG from it.
func TestSnapshotURLWithoutFFmpeg(t *testing.T) {
	clip := motionClip(t)
	var pic bytes.Buffer
	if err := jpeg.Encode(&pic, image.NewGray(image.Rect(0, 0, 640, 480)), nil); err != nil {
		t.Fatal(err)
	}
	snap := &digestCamera{user: "admin", pass: "s3cr:t", jpeg: pic.Bytes()}
	srv := httptest.NewServer(snap)
	defer srv.Close()
	cam := startCamera(t, clip, nil)
	hideFFmpeg(t)
	u, _ := url.Parse(srv.URL + "/cgi-bin/snapshot.cgi?channel=1")
	u.User = url.UserPassword(snap.user, snap.pass)
	r := runRecorder(t, recorder.Config{DataDir: t.TempDir(), Cameras: []recorder.CameraConfig{
		{Name: "front", URL: cam.URL(), Motion: quickMotion, SnapshotURL: u.String()}}})
	if st := keyframeStatus(r, "front"); st.SnapshotSource != recorder.SourceSnapshotURL || st.NoSnapshotReason != "" {
		t.Errorf("status %+v: want snapshots from snapshot_url", st)
	}
	evs, stop := r.SubscribeEvents(16)
	defer stop()
	var e recorder.Event
	select {
	case e = <-evs:
	case <-time.After(60 * time.Second):
		t.Fatal("no event within 60s")
	}
	if got := waitSnapshot(t, r, e.ID, 640, 480); !bytes.Equal(got, pic.Bytes()) {
		t.Errorf("snapshot is not the camera's JPEG (%d bytes, want %d)", len(got), pic.Len())
	}
	if snap.served.Load() == 0 {
		t.Error("the snapshot URL served nothing with valid Digest credentials")
	}
	// The snapshot is attached before it is counted: wait for the count.
	testutil.WaitFor(t, 5*time.Second, "the snapshot counted", func() bool { return keyframeStatus(r, "front").SnapshotsTaken > 0 })
	if st := keyframeStatus(r, "front"); st.FFmpeg {
		t.Errorf("status %+v: want a snapshot taken without ffmpeg", st)
	}
}

// TestBrokenFFmpegOpensEventsUnchecked puts an ffmpeg on PATH that fails at once: a camera with a zone
// still gets its event (opened unchecked, counted), the snapshot fails (counted, with the error), and
// the stage's failure is in the status.
func TestBrokenFFmpegOpensEventsUnchecked(t *testing.T) {
	clip := boxClip(t)
	cam := startCamera(t, clip, nil)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "ffmpeg"), []byte("#!/bin/sh\necho 'broken build' >&2\nexit 1\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir+":/usr/bin:/bin") // sh for the script; its ffmpeg comes first
	r := runRecorder(t, recorder.Config{DataDir: t.TempDir(), Cameras: []recorder.CameraConfig{
		{Name: "front", URL: cam.URL(), Motion: withZones([]recorder.Polygon{leftHalf}, nil)}}})
	evs, stop := r.SubscribeEvents(16)
	defer stop()
	select {
	case <-evs:
	case <-time.After(60 * time.Second):
		t.Fatalf("no event within 60s with a broken ffmpeg; status %+v", keyframeStatus(r, "front"))
	}
	mediatest.WaitFor(t, 30*time.Second, "the failed snapshot to be counted", func() bool {
		return keyframeStatus(r, "front").SnapshotsFailed > 0
	})
	st := keyframeStatus(r, "front")
	if st.Unchecked == 0 || st.Failures == 0 || !strings.Contains(st.LastError, "broken build") ||
		!strings.Contains(st.SnapshotError, "broken build") || st.SnapshotsTaken != 0 {
		t.Errorf("status %+v: want an unchecked event, the stage's failure and the failed snapshot with ffmpeg's words", st)
	}
}
