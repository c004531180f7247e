package recorder

import (
	"time"

	"github.com/porchlight/porchlight/recorder/index"
)

// The live timeline: live players, HLS and the restream put the parts of successive segments on one
// timeline by each segment's LiveStart (LivePart.PlayerPart). The segment's indexed start will not do:
// within a run it may lie up to maxSegmentSlew before the previous segment's end (the clock's correction
// reaching the index), and each track's first sample is placed by wall time, which the previous segment's
// samples, timed by the camera's clock, may already have passed. Either way a player would get up to tens
// of milliseconds of a track twice; ffmpeg reading the HLS rounds such video to two frames at one time
// ("non monotonically increasing dts"). So a segment's live start is its indexed start, moved later as far
// as needed for no track to start before it ended in the previous segment. The live timeline then lags
// wall time by what was moved, and a start moved forward stays a gap, which players bridge.

// liveStart returns the open segment's LiveStart, called at its first part: the tracks with samples in
// that part are checked (a track that starts later is placed by wall time).
func (m *muxer) liveStart() time.Time {
	live := m.seg.start
	for i, t := range m.tracks {
		if len(t.frames) == 0 || i >= len(m.liveEnds) || m.liveEnds[i].IsZero() {
			continue
		}
		// t.base is the segment-relative time of the track's first sample; rounded down, so that the
		// ticks a player gets do not start before the previous end.
		if at := m.liveEnds[i].Add(-index.TicksToDuration(t.base, t.spec.rate)); at.After(live) {
			live = at
		}
	}
	return live
}

// liveEnded records where each track of the open segment ends on the live timeline, once its samples
// are all in parts.
func (m *muxer) liveEnded() {
	if m.seg == nil || m.seg.live.IsZero() {
		return
	}
	if len(m.liveEnds) != len(m.tracks) {
		m.liveEnds = make([]time.Time, len(m.tracks))
	}
	for i, t := range m.tracks {
		if t.started {
			m.liveEnds[i] = m.seg.live.Add(ticksCeil(t.base, t.spec.rate))
		}
	}
}

// ticksCeil converts ticks to a duration rounded up to the nanosecond.
func ticksCeil(ticks uint64, rate uint32) time.Duration {
	r := uint64(rate)
	if r == 0 {
		return 0
	}
	return time.Duration(ticks/r)*time.Second + time.Duration((ticks%r*uint64(time.Second)+r-1)/r)
}
