package recorder

import (
	"crypto/sha256"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/porchlight/porchlight/recorder/index"
)

// TestCPUOfCountsCPUNotWall: cpuOf counts the work f does and not the time f spends asleep (what the
// detector's metric used to count as its "CPU").
func TestCPUOfCountsCPUNotWall(t *testing.T) {
	if _, ok := threadCPU(); !ok {
		t.Skip("no per-thread CPU clock on this platform")
	}
	buf := make([]byte, 1<<20)
	work := cpuOf(func() {
		for range 64 { // 64 MiB of SHA-256: tens of milliseconds of CPU
			sha256.Sum256(buf)
		}
	})
	if work <= 0 {
		t.Errorf("cpuOf(64 MiB of SHA-256) = %v, want > 0", work)
	}
	const nap = 300 * time.Millisecond
	asleep := cpuOf(func() { time.Sleep(nap) })
	if asleep >= nap/2 {
		t.Errorf("cpuOf(sleep %v) = %v: it counts time asleep, want CPU only", nap, asleep)
	}
}

// TestDetectorCPUGrowsWithFrames: the detector's CPU counter (porchlight_motion_cpu_seconds_total) grows
// with every batch of frames it observes, and not while no frame comes.
func TestDetectorCPUGrowsWithFrames(t *testing.T) {
	if _, ok := threadCPU(); !ok {
		t.Skip("no per-thread CPU clock on this platform")
	}
	db, err := index.Open(filepath.Join(t.TempDir(), "index.db"), &index.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var cfg atomic.Pointer[MotionConfig]
	cfg.Store(&MotionConfig{})
	d := newDetector("front", &cfg, newEventHub(db), nil, time.Now)
	slice := make([]byte, 4000) // a 25 fps camera's frames: ~4 kB slices, a keyframe every 50
	slice[0] = 0x41
	key := make([]byte, 40000)
	key[0] = 0x65
	at := time.Now()
	feed := func() {
		for i := range detectBuffer {
			f := frameSummary{wall: at, nalus: [][]byte{slice}}
			if i%50 == 0 {
				f.key, f.nalus = true, [][]byte{key}
			}
			d.offer(f)
			at = at.Add(40 * time.Millisecond)
		}
		d.batch()
	}
	var last uint64
	for i := range 3 {
		feed()
		got := d.cpu.Load()
		if got <= last {
			t.Fatalf("after batch %d of %d frames: CPU %d ns, was %d: want it to grow", i+1, detectBuffer, got, last)
		}
		last = got
	}
	d.batch() // no frames
	if got := d.cpu.Load(); got != last {
		t.Errorf("an empty batch added CPU: %d -> %d ns", last, got)
	}
	if d.shed.Load() != 0 {
		t.Errorf("shed %d frames, want 0", d.shed.Load())
	}
}
