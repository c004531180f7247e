package recorder

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/porchlight/porchlight/recorder/index"
)

// TestCreditChargedForDeletionsMade: deletions for free space are charged to the space budget's credit
// as they are made. A planned one skipped because its footage became held meanwhile (an export that
// started between the plan and the deletions) frees nothing and costs nothing. Before, the whole plan
// was charged.
func TestCreditChargedForDeletionsMade(t *testing.T) {
	dir := t.TempDir()
	r, err := New(Config{DataDir: dir, KeepRecent: -1, Cameras: []CameraConfig{{Name: "front", URL: "rtsp://127.0.0.1:1/x"}}})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	const key, segSize = "front/main", 1000
	sdir := streamDir(dir, key)
	if err := os.MkdirAll(sdir, 0o750); err != nil {
		t.Fatal(err)
	}
	t0 := time.Now().Add(-time.Hour).Truncate(time.Minute)
	var segs []*index.Segment
	for i := range 3 {
		start := t0.Add(time.Duration(i) * time.Minute)
		seg := &index.Segment{ID: uint64(i + 1), Run: 1, Start: start, End: start.Add(time.Minute),
			File: segFileName(uint64(i + 1)), Size: segSize, InitSize: 10,
			Tracks: []index.Track{{ID: 1, Kind: index.Video, Codec: "H264", TimeScale: 90000}}}
		if err := os.WriteFile(filepath.Join(sdir, seg.File), make([]byte, segSize), 0o640); err != nil {
			t.Fatal(err)
		}
		segs = append(segs, seg)
	}
	if err := r.db.PutMany(key, segs); err != nil {
		t.Fatal(err)
	}
	r.streams[key].ids.last = 4 // the muxer has moved on: none of the three is open

	const credit = 1 << 20
	r.retMu.Lock()
	r.space.credit = credit
	pass := r.planPass(3 * segSize) // a write failed on a full disk and needs all three
	if got := len(pass.plan.del); got != 3 {
		r.retMu.Unlock()
		t.Fatalf("planned %d deletions, want 3", got)
	}
	release := r.Hold("front", segs[1].Start, segs[1].End) // the second becomes held before it goes
	defer release()
	deleted := r.carryOut(pass)
	got := r.space.credit
	r.retMu.Unlock()

	if deleted != 2 {
		t.Errorf("deleted %d segments, want 2 (the held one kept)", deleted)
	}
	if _, err := os.Stat(filepath.Join(sdir, segs[1].File)); err != nil {
		t.Errorf("held segment: %v", err)
	}
	if want := int64(credit - 2*segSize); got != want {
		t.Errorf("credit after the pass: got %d, want %d (charged for the 2 deletions made, not the 3 planned)", got, want)
	}
}
