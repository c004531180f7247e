package recorder

import (
	"bytes"
	"errors"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/porchlight/porchlight/recorder/motion"
)

// TestAttachSnapshotAndEventSpans covers the hooks other stages call: a snapshot attached to an event is
// served and announced, and retention's event spans carry the camera's pre- and post-roll.
func TestAttachSnapshotAndEventSpans(t *testing.T) {
	r, err := New(Config{DataDir: t.TempDir(), Cameras: []CameraConfig{{Name: "front", URL: "rtsp://127.0.0.1:1/x",
		Motion: MotionConfig{PreRoll: 5 * time.Second, PostRoll: 10 * time.Second}}}})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	evs, stop := r.SubscribeEvents(4)
	defer stop()
	t0 := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	e, err := r.events.open("front", "motion", t0, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.events.close(e.ID, t0.Add(20*time.Second), 0.7); err != nil {
		t.Fatal(err)
	}
	jpeg := []byte{0xff, 0xd8, 9, 0xff, 0xd9}
	if err := r.attachSnapshot(e.ID, jpeg); err != nil {
		t.Fatal(err)
	}
	if err := r.attachSnapshot(e.ID+1, jpeg); !errors.Is(err, ErrNoEvent) {
		t.Errorf("snapshot of a missing event: got %v, want ErrNoEvent", err)
	}
	if got, err := r.EventSnapshot(e.ID); err != nil || !bytes.Equal(got, jpeg) {
		t.Errorf("EventSnapshot: got %x, %v; want %x", got, err, jpeg)
	}
	var last Event
	for range 3 { // open, close, snapshot
		last = <-evs
	}
	if !last.Snapshot || last.ID != e.ID || last.Open() {
		t.Errorf("last announced %+v, want the closed event with its snapshot", last)
	}
	want := []span{{start: t0.Add(-5 * time.Second), end: t0.Add(30 * time.Second)}}
	if got, err := (eventKeep{r}).keptSpans("front", t0.Add(-time.Hour), t0.Add(time.Hour)); err != nil || !slices.Equal(got, want) {
		t.Errorf("keptSpans: got %v, %v; want %v", got, err, want)
	}
}

// TestDetectorShedsWhenFull: a detector that does not drain sheds frames past its buffer and counts them;
// offering never blocks.
func TestDetectorShedsWhenFull(t *testing.T) {
	var cfg atomic.Pointer[MotionConfig]
	cfg.Store(&MotionConfig{Settings: motion.Settings{}})
	d := newDetector("front", &cfg, nil, nil, time.Now)
	for range detectBuffer + 10 {
		d.offer(frameSummary{wall: time.Now()})
	}
	if got := d.shed.Load(); got != 10 {
		t.Errorf("shed %d frames, want 10", got)
	}
}

// TestSliceBytes counts only the coded picture's NAL units.
func TestSliceBytes(t *testing.T) {
	h264 := [][]byte{{0x67, 1, 2}, {0x68, 1}, {0x06, 1, 1, 1}, {0x65, 1, 2, 3, 4}, {0x41, 1}}
	if got := sliceBytes(h264, false); got != 7 {
		t.Errorf("H.264: got %d, want 7 (IDR 5 + slice 2)", got)
	}
	h265 := [][]byte{{0x40, 1, 1}, {0x42, 1}, {0x44, 1}, {0x4e, 1, 1}, {0x26, 1, 2, 3}, {0x02, 1}}
	if got := sliceBytes(h265, true); got != 6 {
		t.Errorf("H.265: got %d, want 6 (IDR 4 + trail 2)", got)
	}
}
