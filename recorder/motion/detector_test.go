package motion

import (
	"testing"
	"time"
)

// frames cuts a testdata stream into one frame per slice (the testdata streams have one slice per
// picture), parameter sets riding with the next slice.
func frames(t testing.TB, codec, file string) []Frame {
	var out []Frame
	var pending [][]byte
	p := newParser(codec)
	for _, n := range nalus(t, file) {
		pending = append(pending, n)
		if fi := p.frame([][]byte{n}); fi.size > 0 {
			key := fi.typ == sliceI
			out = append(out, Frame{Key: key, Size: len(n), NALUs: pending})
			pending = nil
		}
	}
	return out
}

// TestObserveAllocatesNothing holds Observe to no allocation per frame once the parameter sets are known.
func TestObserveAllocatesNothing(t *testing.T) {
	for _, c := range []struct{ codec, file string }{{"H264", "testdata/qp30-b2.h264"}, {"H265", "testdata/qp30-b2.h265"}} {
		fs := frames(t, c.codec, c.file)
		d := New(c.codec, Settings{})
		at := time.Unix(1, 0)
		i := 0
		observe := func() {
			f := fs[i%len(fs)]
			f.Time = at.Add(time.Duration(i) * 100 * time.Millisecond)
			d.Observe(f)
			i++
		}
		for range len(fs) {
			observe()
		}
		if got := testing.AllocsPerRun(200, observe); got != 0 {
			t.Errorf("%s: got %v allocations per frame, want 0", c.codec, got)
		}
		if s := d.Stats(); s.Malformed != 0 || s.Frames != i {
			t.Errorf("%s: got stats %+v after %d frames, want no malformed", c.codec, s, i)
		}
	}
}

// TestMalformedCounted feeds slices cut short and a slice naming an unknown PPS: each is counted, and the
// frames still count by their size.
func TestMalformedCounted(t *testing.T) {
	d := New("H264", Settings{})
	at := time.Unix(1, 0)
	bad := [][]byte{{0x41}, {0x41, 0x00}, {0x41, 0x88, 0x84, 0x7f}} // too short; golomb past the end; PPS 0 never sent
	for i, n := range bad {
		d.Observe(Frame{Time: at.Add(time.Duration(i) * 40 * time.Millisecond), Size: len(n), NALUs: [][]byte{n}})
	}
	if got := d.Stats(); got.Frames != 3 || got.Malformed != 3 {
		t.Fatalf("got %+v, want 3 frames, 3 malformed", got)
	}
}
