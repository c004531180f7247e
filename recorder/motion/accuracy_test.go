package motion_test

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/porchlight/porchlight/recorder/motion"
	"github.com/porchlight/porchlight/recorder/motion/motiontest"
)

// scoreSlack widens each motion interval at its end when scoring precision: the detector averages its
// signal over half a second and sees motion end up to about a second late.
const scoreSlack = time.Second

// clip builds (or finds in the cache) a scene in an encoding and returns its access units.
func clip(t testing.TB, s motiontest.Scene, e motiontest.Encoding) []motiontest.AccessUnit {
	t.Helper()
	p := motiontest.Clip(t, s, e)
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	aus, err := motiontest.AccessUnits(e.Codec, b)
	if err != nil {
		t.Fatalf("%s: %v", p, err)
	}
	return aus
}

// score runs the default detector over a scene in an encoding.
func score(t testing.TB, s motiontest.Scene, e motiontest.Encoding) motiontest.Result {
	aus := clip(t, s, e)
	truth, length := s.Truth()
	if got, want := len(aus), int(length.Seconds()*float64(e.FPS)+0.5); got != want {
		t.Fatalf("%s %s: got %d frames, want %d", s.Name, e, got, want)
	}
	return motiontest.Score(motiontest.Detect(e.Codec, motion.Settings{}, aus, e.FPS), truth, length, scoreSlack)
}

func scene(t testing.TB, name string) motiontest.Scene {
	for _, s := range motiontest.Scenes() {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("no scene %s", name)
	return motiontest.Scene{}
}

// TestAccuracyVBR holds the detector to the guide's targets on real footage encoded with CRF, on a
// subset of the table that runs in about a minute (encoded clips are cached): event-second recall and
// precision >= 0.9, at most one false event per hour of still footage, motion start to event open <= 2 s,
// on each row and over all of them. The B-frame rows are the ones the detector used to miss: the tree at 25 fps with 3 B-frames (recall
// 0.28: its near-empty B-frames diluted the P-frames that carry the motion), the tree at 10 fps with 2
// B-frames (open latency 2.7 s) and x265 with B-frames on the ramp (a false event). The night scene
// under x265 holds; under x264 it does not (see BENCHMARKS.md) and is not asserted.
func TestAccuracyVBR(t *testing.T) {
	x264 := motiontest.Encoding{Codec: "H264", FPS: 10, GOP: 1}
	x264b3 := motiontest.Encoding{Codec: "H264", FPS: 25, GOP: 4, BFrames: 3}
	x264b2 := motiontest.Encoding{Codec: "H264", FPS: 10, GOP: 1, BFrames: 2}
	x265b2 := motiontest.Encoding{Codec: "H265", FPS: 10, GOP: 4, BFrames: 2}
	cases := []struct {
		scene string
		enc   motiontest.Encoding
	}{
		{"pedestrians", x264},
		{"tree", x264},
		{"still-noise", x264},
		{"still-ramp", x264},
		{"still-night", x264},
		{"pedestrians", x264b3},
		{"tree", x264b3},
		{"still-night", x264b3},
		{"tree", x264b2},
		{"pedestrians", motiontest.Encoding{Codec: "H265", FPS: 10, GOP: 1}},
		{"pedestrians-night", x265b2},
		{"still-ramp", x265b2},
	}
	var all []motiontest.Result
	for _, c := range cases {
		t.Run(c.scene+" "+c.enc.String(), func(t *testing.T) {
			r := score(t, scene(t, c.scene), c.enc)
			t.Logf("%v", r)
			motiontest.CheckTargets(t, r) // each row on its own: a good row must not hide a bad one
			all = append(all, r)
		})
	}
	m := motiontest.Merge(all...)
	t.Logf("all: %v (still %.1f min)", m, m.Still.Minutes())
	motiontest.CheckTargets(t, m)
}

// BenchmarkMotionAccuracy prints the full accuracy table: every scene in every encoding (x264 and x265,
// CRF and CBR, 10 and 25 fps, GOP 1 s and 4 s, B-frames), then the totals for VBR and CBR. The first run
// encodes about a hundred clips (several minutes); later runs read them from the cache.
func BenchmarkMotionAccuracy(b *testing.B) {
	var out strings.Builder
	var vbr, cbr []motiontest.Result
	fmt.Fprintf(&out, "\n%-18s %-26s %s\n", "scene", "encoding", "result")
	for _, e := range motiontest.Encodings() {
		for _, s := range motiontest.Scenes() {
			r := score(b, s, e)
			fmt.Fprintf(&out, "%-18s %-26s %v\n", s.Name, e, r)
			if e.CBR {
				cbr = append(cbr, r)
			} else {
				vbr = append(vbr, r)
			}
		}
	}
	fmt.Fprintf(&out, "ALL VBR: %v\nALL CBR: %v\n", motiontest.Merge(vbr...), motiontest.Merge(cbr...))
	b.Log(out.String())
	for range b.N {
	}
}
