package export_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/porchlight/porchlight/recorder/export"
	"github.com/porchlight/porchlight/recorder/index"
)

// TestRandomRanges is a property test: for any range, New either reports ErrNoFrames (exactly when no
// video frame overlaps it) or gives a clip whose bytes number Size(), form ftyp+moov+mdat, and whose
// ReadAt agrees with sequential reading.
func TestRandomRanges(t *testing.T) {
	dir := t.TempDir()
	segs := withGap(t, dir, sourceOf(t, "320x240"), nil)
	video := framesOf(segs, index.Video)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 200 {
		start := base.Add(time.Duration(rng.Int64N(int64(14*time.Second))) - 2*time.Second)
		end := start.Add(time.Duration(1 + rng.Int64N(int64(10*time.Second))))
		overlaps := false
		for _, f := range video {
			overlaps = overlaps || (f.start.Before(end) && f.end.After(start))
		}
		c, err := export.New(segs, start, end, opener(dir))
		if err != nil || !overlaps {
			if overlaps || !errors.Is(err, export.ErrNoFrames) {
				t.Fatalf("range %d (%s..%s): New: got error %v, want ErrNoFrames only when no video frame "+
					"overlaps (overlaps: %t)", i, start, end, err, overlaps)
			}
			continue
		}
		if gs, ge := c.Range(); gs.Before(start) || ge.After(end) || !gs.Before(ge) {
			t.Fatalf("range %d (%s..%s): Range: got %s..%s, want a non-empty range inside", i, start, end, gs, ge)
		}
		var body bytes.Buffer
		n, err := io.Copy(&body, c)
		if err != nil || n != c.Size() {
			t.Fatalf("range %d: read %d bytes, %v, want Size() %d and no error", i, n, err, c.Size())
		}
		if got := topBoxes(body.Bytes()); got != "ftyp moov mdat" {
			t.Fatalf("range %d: top-level boxes: got %q, want %q", i, got, "ftyp moov mdat")
		}
		off := rng.Int64N(c.Size())
		buf := make([]byte, min(1+rng.Int64N(100000), c.Size()-off))
		if _, err := c.ReadAt(buf, off); err != nil && !(errors.Is(err, io.EOF) && off+int64(len(buf)) == c.Size()) {
			t.Fatalf("range %d: ReadAt(%d, %d): %v", i, len(buf), off, err)
		}
		if !bytes.Equal(buf, body.Bytes()[off:off+int64(len(buf))]) {
			t.Fatalf("range %d: ReadAt(%d, %d) differs from the sequential read", i, len(buf), off)
		}
		c.Close()
	}
}

// topBoxes lists the types of the top-level boxes, which must exactly cover b.
func topBoxes(b []byte) string {
	s := ""
	for len(b) >= 8 {
		size := uint64(binary.BigEndian.Uint32(b))
		if size == 1 && len(b) >= 16 {
			size = binary.BigEndian.Uint64(b[8:])
		}
		if size < 8 || size > uint64(len(b)) {
			return s + " (bad size)"
		}
		if s != "" {
			s += " "
		}
		s += string(b[4:8])
		b = b[size:]
	}
	if len(b) != 0 {
		return s + " (trailing bytes)"
	}
	return s
}

// TestReadAllocs checks that streaming samples allocates nothing: the memory a clip needs for sample
// data does not grow with its length.
func TestReadAllocs(t *testing.T) {
	dir := t.TempDir()
	segs := twoSegments(t, dir, sourceOf(t, "320x240"), nil)
	c, err := export.New(segs, base, base.Add(8*time.Second), opener(dir))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	defer c.Close()
	buf := make([]byte, 32<<10)
	read := func() {
		for off := int64(0); off < c.Size(); off += int64(len(buf)) {
			if _, err := c.ReadAt(buf, off); err != nil && err != io.EOF {
				t.Fatal(err)
			}
		}
	}
	read() // opens the files
	if got := testing.AllocsPerRun(5, read); got != 0 {
		t.Errorf("allocations per read of the clip: got %v, want 0", got)
	}
}

// TestConcurrentReadAt reads random windows from several goroutines at once, as io.ReaderAt allows, on a
// clip of three segments so that the goroutines fight over the open-file slots.
func TestConcurrentReadAt(t *testing.T) {
	dir := t.TempDir()
	src := sourceOf(t, "320x240")
	segs := []*index.Segment{writeSegment(t, dir, src, 1, 0, 3, 0), writeSegment(t, dir, src, 2, 3, 6, 0),
		writeSegment(t, dir, src, 3, 6, 8, 0)}
	c, err := export.New(segs, base, base.Add(8*time.Second), opener(dir))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	defer c.Close()
	full, err := io.ReadAll(c)
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	errs := make(chan error, 4)
	for g := range 4 {
		go func() {
			rng := rand.New(rand.NewPCG(uint64(g), 7))
			buf := make([]byte, 20000)
			for range 300 {
				off := rng.Int64N(c.Size() - int64(len(buf)))
				if _, err := c.ReadAt(buf, off); err != nil {
					errs <- fmt.Errorf("ReadAt(%d): %w", off, err)
					return
				}
				if !bytes.Equal(buf, full[off:off+int64(len(buf))]) {
					errs <- fmt.Errorf("ReadAt(%d): bytes differ from the sequential read", off)
					return
				}
			}
			errs <- nil
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
