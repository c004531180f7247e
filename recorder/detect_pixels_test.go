package recorder_test

import (
	"slices"
	"testing"
	"time"

	"github.com/porchlight/porchlight/recorder"
	"github.com/porchlight/porchlight/recorder/mediatest"
)

// TestDecodeKeyframes records the box clip (motion only in the left half, 4 s in every 10; a keyframe
// every 2 s) as three cameras. Two decode every keyframe: with a zone on the left half, events open;
// with a zone on the right half, the keyframe stage decodes every keyframe yet opens nothing (its
// answers respect the zones) and the compressed stage's suspicions are vetoed. The third, with the same
// right-half zone but the default (keyframes decoded only while motion is suspected), decodes fewer.
// The left camera's stretches of motion must not be split into several events by the 2 s between the
// keyframes the stage sees (its post-roll is 2 s).
// The nvr end-to-end test (TestMotionEndToEnd) holds the mode to the accuracy targets on real footage
// at night, which the compressed stage alone does not see.
func TestDecodeKeyframes(t *testing.T) {
	mediatest.Require(t, "ffmpeg")
	cam := startCamera(t, boxClip(t), nil)
	every := func(zone recorder.Polygon) recorder.MotionConfig {
		m := withZones([]recorder.Polygon{zone}, nil)
		m.DecodeKeyframes = true
		return m
	}
	r := runRecorder(t, recorder.Config{DataDir: t.TempDir(), Cameras: []recorder.CameraConfig{
		{Name: "left", URL: cam.URL(), Motion: every(leftHalf)},
		{Name: "right", URL: cam.URL(), Motion: every(rightHalf)},
		{Name: "suspect", URL: cam.URL(), Motion: withZones([]recorder.Polygon{rightHalf}, nil)},
	}})
	evs, stop := r.SubscribeEvents(64)
	defer stop()
	const keyframes = 15                // 30 s of a 2 s GOP
	left := map[uint64]recorder.Event{} // by id: an event comes when it opens, changes and closes
	deadline := time.After(120 * time.Second)
	for len(left) < 2 || keyframeStatus(r, "right").Decoded < keyframes {
		select {
		case e := <-evs:
			if e.Camera != "left" {
				t.Fatalf("event %+v of camera %q: its motion lies outside its zone", e, e.Camera)
			}
			left[e.ID] = e
		case <-time.After(time.Second):
		case <-deadline:
			t.Fatalf("within 120s: left's events %+v; right %+v", left, keyframeStatus(r, "right"))
		}
	}
	for _, name := range []string{"right", "suspect"} {
		if list, err := r.Events(recorder.EventQuery{Camera: name}); err != nil || len(list) != 0 {
			t.Errorf("camera %s: events %+v, %v; want none", name, list, err)
		}
	}
	right, suspect := keyframeStatus(r, "right"), keyframeStatus(r, "suspect")
	if suspect.Decoded >= right.Decoded || right.Vetoed == 0 {
		t.Errorf("decoded: right (every keyframe) %d, suspect (on suspicion) %d; right vetoed %d: want right to decode more and veto the compressed stage's motion",
			right.Decoded, suspect.Decoded, right.Vetoed)
	}
	// One event per stretch of motion: the keyframe stage sees motion only every 2 s, which must not
	// split a stretch (the clip is still for 6 s between stretches).
	var list []recorder.Event
	for _, e := range left {
		list = append(list, e)
	}
	slices.SortFunc(list, func(a, b recorder.Event) int { return a.Start.Compare(b.Start) })
	for i, e := range list {
		if !e.Open() && !e.End.After(e.Start) {
			t.Errorf("left's event %d: %v to %v, want it to end after it starts", e.ID, e.Start, e.End)
		}
		if i > 0 && !list[i-1].Open() && e.Start.Sub(list[i-1].End) < 3*time.Second {
			t.Errorf("left's events %d and %d are %v apart: one stretch of motion split in two", list[i-1].ID, e.ID, e.Start.Sub(list[i-1].End))
		}
	}
	t.Logf("left events %d; right %+v; suspect %+v", len(left), right, suspect)
}
