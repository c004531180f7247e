package motion_test

import (
	"testing"
	"time"

	"github.com/porchlight/porchlight/recorder/motion"
	"github.com/porchlight/porchlight/recorder/motion/motiontest"
)

// live is a clip's access units as a reader that joins a camera mid-GOP sees them: from frame `from` on
// (no keyframe first), the parameter sets at the clip's start left out, and repeated in band before
// every keyframe, as cameras send them. Until the first keyframe the detector has no parameter sets, so
// it reads slice types and sizes but no QP.
func live(t *testing.T, aus []motiontest.AccessUnit, from int) []motiontest.AccessUnit {
	t.Helper()
	var ps [][]byte
	for _, n := range aus[0].NALUs {
		if typ := n[0] & 0x1f; typ == 7 || typ == 8 {
			ps = append(ps, n)
		}
	}
	if len(ps) != 2 || aus[from].Key {
		t.Fatalf("clip: got %d parameter sets and frame %d key %v; want SPS, PPS and an inter frame",
			len(ps), from, aus[from].Key)
	}
	out := make([]motiontest.AccessUnit, 0, len(aus)-from)
	for _, au := range aus[from:] {
		var nalus [][]byte
		if au.Key {
			nalus = append(nalus, ps...)
		}
		for _, n := range au.NALUs {
			if typ := n[0] & 0x1f; typ != 7 && typ != 8 {
				nalus = append(nalus, n)
			}
		}
		au.NALUs = nalus
		out = append(out, au)
	}
	return out
}

// TestJoinMidGOP plays real footage as a recorder that connects mid-GOP receives it. The costs of the
// first frames have no QP term (no parameter sets yet) and those after the first keyframe have one;
// a baseline learned from the first must not make every later frame look like motion (before the fix,
// an event opened at the first keyframe and never closed). Still footage gives no event; footage
// with motion gives its events, each closed.
func TestJoinMidGOP(t *testing.T) {
	enc := motiontest.Encoding{Codec: "H264", FPS: 10, GOP: 4}
	for _, name := range []string{"still-noise", "pedestrians"} {
		s := scene(t, name)
		aus := live(t, clip(t, s, enc), 3)
		truth, length := s.Truth()
		var shifted []motiontest.Interval
		for _, iv := range truth { // the stream starts 3 frames in
			shifted = append(shifted, motiontest.Interval{Start: iv.Start - 300*time.Millisecond, End: iv.End - 300*time.Millisecond})
		}
		events := motiontest.Detect(enc.Codec, motion.Settings{}, aus, enc.FPS)
		r := motiontest.Score(events, shifted, length-300*time.Millisecond, scoreSlack)
		t.Logf("%s joined mid-GOP: %v", name, r)
		if r.FalseEvents > 0 || r.Detected != r.Intervals || r.Precision < 0.9 || r.Recall < 0.9 {
			t.Errorf("%s joined mid-GOP: %v; want every motion stretch found, no false event, recall and precision >= 0.9", name, r)
		}
	}
}
