package nvr_test

import (
	"bytes"
	"encoding/json"
	"image/jpeg"
	"strings"
	"testing"
	"time"

	"github.com/porchlight/porchlight/recorder/democam"
	"github.com/porchlight/porchlight/recorder/mediatest"
)

// cameraPictures is the pictures block of a camera in GET /api/v1/cameras.
type cameraPictures struct {
	SnapshotSource   string `json:"snapshot_source"`
	NoSnapshotReason string `json:"no_snapshot_reason"`
	ZonesChecked     bool   `json:"zones_checked"`
	ZonesNote        string `json:"zones_note"`
	KeyframesNote    string `json:"keyframes_note"`
	SnapshotsTaken   uint64 `json:"snapshots_taken"`
}

func frontPictures(t *testing.T, base, tok string) cameraPictures {
	t.Helper()
	_, b := apiGet(t, base, tok, "/api/v1/cameras")
	var cams []struct {
		Name, Stream string
		Pictures     *cameraPictures `json:"pictures"`
	}
	if err := json.Unmarshal(b, &cams); err != nil {
		t.Fatal(err)
	}
	for _, c := range cams {
		if c.Name == "front" && c.Stream == "main" && c.Pictures != nil {
			return *c.Pictures
		}
	}
	t.Fatalf("no pictures of front's main stream in %s", b)
	return cameraPictures{}
}

// firstEvent waits for camera front's first event in GET /api/v1/events that satisfies ok.
func firstEvent(t *testing.T, base, tok, what string, ok func(apiEvent) bool) apiEvent {
	t.Helper()
	var found apiEvent
	mediatest.WaitFor(t, 60*time.Second, what, func() bool {
		_, b := apiGet(t, base, tok, "/api/v1/events?camera=front")
		var list []apiEvent
		if err := json.Unmarshal(b, &list); err != nil {
			t.Fatalf("events: %v: %s", err, b)
		}
		for _, e := range list {
			if ok(e) {
				found = e
				return true
			}
		}
		return false
	})
	return found
}

func startBoxCamera(t *testing.T) *democam.Server {
	t.Helper()
	clip, err := democam.LoadClip(mediatest.BoxClip(t))
	if err != nil {
		t.Fatal(err)
	}
	return startClipCamera(t, clip)
}

// TestServeEventSnapshot runs a real `porchlight serve` on a camera whose motion is a box in the left
// half, with a zone there: an event opens, its snapshot URL is served as a JPEG of the camera's size,
// the camera's pictures say ffmpeg and zones checked, and the keyframe metrics count.
func TestServeEventSnapshot(t *testing.T) {
	mediatest.Require(t, "ffmpeg")
	cam := startBoxCamera(t)
	cfgPath, base, tok := initNode(t, "    url: "+cam.URL()+
		"\n    motion: {post_roll: 2s, zones: [[[0, 0], [0.5, 0], [0.5, 1], [0, 1]]]}\n", nil)
	startServe(t, cfgPath)
	e := firstEvent(t, base, tok, "an event with a snapshot", func(e apiEvent) bool { return e.Snapshot != nil })
	resp, b := apiGet(t, base, tok, *e.Snapshot)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/jpeg" {
		t.Fatalf("GET %s: %s %q", *e.Snapshot, resp.Status, resp.Header.Get("Content-Type"))
	}
	img, err := jpeg.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("snapshot does not decode: %v", err)
	}
	if sz := img.Bounds().Size(); sz.X != 320 || sz.Y != 240 {
		t.Errorf("snapshot is %v, want 320x240 (the camera's)", sz)
	}
	if p := frontPictures(t, base, tok); p.SnapshotSource != "ffmpeg" || p.NoSnapshotReason != "" || !p.ZonesChecked || p.ZonesNote != "" {
		t.Errorf("pictures %+v: want ffmpeg snapshots and zones checked", p)
	}
	_, m := apiGet(t, base, tok, "/metrics")
	for _, want := range []string{`porchlight_keyframe_cpu_seconds_total{camera="front",stream="main"} `,
		`porchlight_keyframes_decoded_total{camera="front",stream="main"} `, `porchlight_keyframes_shed_total{camera="front",stream="main"} `,
		`porchlight_snapshots_taken_total{camera="front",stream="main"} `, `porchlight_snapshots_failed_total{camera="front",stream="main"} 0`} {
		if !strings.Contains(string(m), want) {
			t.Errorf("metrics: no %q", want)
		}
	}
}

// TestServeEventsWithoutFFmpeg runs `porchlight serve` with ffmpeg hidden from PATH: events still open
// (the zone is not checked, decode_keyframes does nothing), they have no snapshot, and GET
// /api/v1/cameras says why in plain words.
func TestServeEventsWithoutFFmpeg(t *testing.T) {
	cam := startBoxCamera(t) // the clip is made with ffmpeg, before hiding it
	porchlightBin(t)         // built with go from PATH, before hiding it
	cfgPath, base, tok := initNode(t, "    url: "+cam.URL()+
		"\n    motion: {post_roll: 2s, decode_keyframes: true, zones: [[[0.55, 0], [1, 0], [1, 1], [0.55, 1]]]}\n", nil)
	t.Setenv("PATH", t.TempDir())
	startServe(t, cfgPath)
	e := firstEvent(t, base, tok, "an event without ffmpeg", func(e apiEvent) bool { return true })
	if e.Snapshot != nil {
		t.Errorf("event %+v has a snapshot without ffmpeg or snapshot_url", e)
	}
	p := frontPictures(t, base, tok)
	if p.SnapshotSource != "" || !strings.HasPrefix(p.NoSnapshotReason, "ffmpeg not found on PATH and no snapshot_url") ||
		p.ZonesChecked || !strings.HasPrefix(p.ZonesNote, "ffmpeg not found on PATH: zones and masks are not checked") ||
		!strings.HasPrefix(p.KeyframesNote, "ffmpeg not found on PATH: keyframes are not decoded") {
		t.Errorf("pictures %+v: want no source, the reason, zones not checked and keyframes not decoded", p)
	}
	t.Logf("pictures: %+v", p)
}
