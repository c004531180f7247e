package motion

import (
	"os"
	"testing"
)

func TestExpGolomb(t *testing.T) {
	// Bits: 1 | 010 | 011 | 00100 | 00101 | 0001000 → ue 0,1,2,3,4,7; as se: 0,1,-1,2,-2,-4 (7 → -3? no: 7 is odd → 4).
	var r rbsp
	r.load([]byte{0b10100110, 0b01000010, 0b10001000}, 0)
	for _, want := range []uint32{0, 1, 2, 3, 4, 7} {
		got, err := r.ue()
		if err != nil || got != want {
			t.Fatalf("ue: got %d, %v, want %d", got, err, want)
		}
	}
	r.pos = 0
	for _, want := range []int32{0, 1, -1, 2, -2, 4} {
		got, err := r.se()
		if err != nil || got != want {
			t.Fatalf("se: got %d, %v, want %d", got, err, want)
		}
	}
	if _, err := r.ue(); err != errShort {
		t.Fatalf("ue past the end: got %v, want errShort", err)
	}
	r.load([]byte{0, 0, 0, 0, 0}, 0)
	if _, err := r.ue(); err != errGolomb && err != errShort {
		t.Fatalf("ue of zeros: got %v, want an error", err)
	}
}

func TestEmulationPrevention(t *testing.T) {
	var r rbsp
	r.load([]byte{0x65, 0, 0, 3, 1, 0, 0, 3, 0, 3}, 1)
	want := []byte{0, 0, 1, 0, 0, 0, 3}
	if got := r.buf[:r.n]; string(got) != string(want) {
		t.Fatalf("got % x, want % x", got, want)
	}
}

// nalus splits an Annex-B stream (tests only: testdata files).
func nalus(t testing.TB, path string) [][]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	start := -1
	for i := 0; i+2 < len(b); i++ {
		if b[i] == 0 && b[i+1] == 0 && b[i+2] == 1 {
			if start >= 0 {
				e := i
				for e > start && b[e-1] == 0 {
					e--
				}
				out = append(out, b[start:e])
			}
			start = i + 3
			i += 2
		}
	}
	return append(out, b[start:])
}

// TestSliceTypes reads the slice types of real x264 and x265 streams (testsrc2, GOP 10, 2 B-frames;
// ffmpeg's showinfo filter counts 2 I, 8 P and 10 B pictures in the H.264 stream and 2 I, 6 P, 12 B in
// the H.265 one) and their QP: both are encoded with a constant QP of 30 for P-frames. x264's
// default B-pyramid makes some B-frames references.
func TestSliceTypes(t *testing.T) {
	cases := []struct {
		file, codec string
		want        [4]int
	}{
		{"testdata/qp30-b2.h264", "H264", [4]int{sliceI: 2, sliceP: 8, sliceB: 10}},
		{"testdata/qp30-b2.h265", "H265", [4]int{sliceI: 2, sliceP: 6, sliceB: 12}},
	}
	for _, c := range cases {
		t.Run(c.codec, func(t *testing.T) {
			p := newParser(c.codec)
			var got [4]int
			refB := 0
			for _, n := range nalus(t, c.file) {
				fi := p.frame([][]byte{n})
				if fi.bad > 0 {
					t.Fatalf("NAL unit type %#x: unreadable header", n[0])
				}
				if fi.size == 0 {
					continue
				}
				got[fi.typ]++
				{
					if !fi.hasQP {
						t.Fatalf("slice without QP")
					}
					if fi.typ == sliceP && fi.qp != 30 {
						t.Errorf("P slice: got QP %v, want 30", fi.qp)
					}
					if c.codec == "H264" && fi.typ == sliceB && fi.ref {
						refB++
					}
				}
			}
			if c.codec == "H264" && refB != 4 {
				t.Errorf("got %d reference B-frames, want 4", refB)
			}
			if got != c.want {
				t.Fatalf("got slice types %v, want %v", got, c.want)
			}
		})
	}
}
