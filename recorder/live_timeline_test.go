package recorder

import (
	"bytes"
	"testing"
	"time"

	"github.com/bluenviron/mediacommon/v2/pkg/formats/fmp4"

	"github.com/porchlight/porchlight/recorder/democam"
	"github.com/porchlight/porchlight/recorder/index"
)

// TestLiveTimelineNoOverlap: when the recorder moves a segment's start back to follow the camera's
// clock (here: the first frame arrived 50 ms late, so the clock's correction settles 50 ms lower and the
// next segment starts up to maxSegmentSlew before the previous one ended), the live timeline still does
// not go back: each part starts where the previous one ended (within a tick of rounding). Before the
// fix the video of the second segment repeated 20 ms, which ffmpeg reading the HLS rounded to two
// frames at one time ("non monotonically increasing dts").
func TestLiveTimelineNoOverlap(t *testing.T) {
	m, q, _ := newTestMuxer(time.Hour)
	m.segDur = 20 * time.Second // 20 ms of slew allowed, as much as a 60 s segment can use in practice
	parts, stop := m.hub.Subscribe(2000)
	defer stop()
	t0 := time.Unix(1_800_000_000, 0)
	f := &feeder{clip: democam.Default(), at: t0.Add(50 * time.Millisecond)}
	f.next(m) // the first keyframe, late
	f.at = t0.Add(40 * time.Millisecond)
	for range 1100 { // 44 s: three segments
		f.next(m)
	}
	m.close()
	var starts []time.Time
	var ticks []uint64 // video ticks of each segment
	for _, it := range drain(q) {
		if it.start != nil {
			starts, ticks = append(starts, it.start.Start), append(ticks, 0)
		}
		for _, p := range it.parts {
			for _, f := range p.frames[0] {
				ticks[len(ticks)-1] += uint64(f.Duration)
			}
		}
	}
	stop()

	var origin time.Time
	var end uint64
	var n int
	moved := false
	for p := range parts {
		if origin.IsZero() {
			origin = p.LiveStart
		}
		moved = moved || !p.LiveStart.Equal(p.SegmentStart)
		bufs, err := p.PlayerPart(origin)
		if err != nil {
			t.Fatal(err)
		}
		var ps fmp4.Parts
		if err := ps.Unmarshal(bytes.Join(bufs, nil)); err != nil {
			t.Fatal(err)
		}
		for _, pp := range ps {
			for _, tr := range pp.Tracks {
				if n > 0 && (tr.BaseTime < end || tr.BaseTime > end+1) {
					t.Errorf("part %d (segment %d) starts at tick %d, the previous part ended at %d",
						n, p.SegmentID, tr.BaseTime, end)
				}
				end = tr.BaseTime
				for _, s := range tr.Samples {
					end += uint64(s.Duration)
				}
			}
		}
		n++
	}
	if len(starts) < 3 {
		t.Fatalf("segments: got %d, want 3", len(starts))
	}
	// The scenario must be the one the test is about: the index's segment start moved back.
	if back := starts[1].Sub(starts[0].Add(index.TicksToDuration(ticks[0], 90000))); back >= 0 {
		t.Fatalf("second segment starts %s after the first's end, want before (the slew this test needs)", back)
	} else {
		t.Logf("the index moved the second segment's start back %s", -back)
	}
	if !moved {
		t.Error("no part's LiveStart differs from its SegmentStart")
	}
	t.Logf("%d parts; segment starts %v", n, starts)
}
