package export_test

import (
	"errors"
	"runtime"
	"testing"
	"time"

	"github.com/porchlight/porchlight/recorder/export"
)

// TestExportMemory: what a clip allocates grows no faster than its length (a run-length coded sample
// table; sizes are read from the index records when stsz is written), about 2.4 MB per hour of 25 fps
// video with audio where a plain table took 4.4 MB, and no clip may span more than MaxRange, which
// bounds any one request. Measured in bytes allocated, not time.
func TestExportMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 4 h of sparse segment files")
	}
	dir := t.TempDir()
	segs := writeSynth(t, dir, synthSpec{segments: 4 * 60, segDur: time.Minute, keySize: 60000, frameSize: 18000,
		audioSize: 300, sparse: true})
	alloc := func(d time.Duration) uint64 {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		c, err := export.New(segs, base, base.Add(d), opener(dir))
		if err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 64<<10)
		if _, err := c.ReadAt(buf, 0); err != nil {
			t.Fatal(err)
		}
		c.Close()
		runtime.ReadMemStats(&after)
		return after.TotalAlloc - before.TotalAlloc
	}
	hour, four := alloc(time.Hour), alloc(4*time.Hour)
	t.Logf("allocated: %d bytes for 1 h, %d for 4 h", hour, four)
	if hour > 3<<20 {
		t.Errorf("1 h clip allocated %d bytes, want at most 3 MiB", hour)
	}
	if four > 4*hour*11/10 {
		t.Errorf("4 h clip allocated %d bytes, want at most 4.4 times the %d of 1 h", four, hour)
	}
	// The longest clip allowed therefore allocates at most about a day's worth; longer is refused.
	if _, err := export.New(segs, base, base.Add(export.MaxRange+time.Second), opener(dir)); !errors.Is(err, export.ErrRangeTooLong) {
		t.Errorf("New over %s: got %v, want ErrRangeTooLong", export.MaxRange+time.Second, err)
	}
}
