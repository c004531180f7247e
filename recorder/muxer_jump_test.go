package recorder

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/porchlight/porchlight/recorder/democam"
	"github.com/porchlight/porchlight/recorder/index"
)

// muxerOutput sums up what a muxer queued for the disk.
type muxerOutput struct {
	starts []*index.Segment
	frames int
	bytes  int
}

func collect(q *diskQueue) muxerOutput {
	var o muxerOutput
	for _, it := range drain(q) {
		if it.start != nil {
			o.starts = append(o.starts, it.start)
			o.bytes += len(it.data)
		}
		o.bytes += it.size
		for _, p := range it.parts {
			o.frames += len(p.frames[0])
		}
	}
	return o
}

// bigJump returns a random timestamp step of more than 5 s either way (or across the wrap): one the clock
// tells from a frame's arrival. A smaller forward step passes for lost frames (the frame before it lasts
// that long), so the segment's timeline runs ahead and the next jump ends the segment, as it should.
func bigJump(rng *rand.Rand) uint32 {
	for {
		if j := rng.Uint32(); int32(j) < -5*90000 || int32(j) > 5*90000 {
			return j
		}
	}
}

// TestMuxerReanchorsJumps: a camera whose RTP timestamps jump every third frame while the frames arrive
// in real time records one run in segments of the configured length, every frame kept, each at its
// wall time. Before, every jump ended the segment and the frames up to the next keyframe were lost.
func TestMuxerReanchorsJumps(t *testing.T) {
	const frames = 60 * 25 // a minute
	record := func(jump bool) (muxerOutput, StreamStatus) {
		m, q, st := newTestMuxer(time.Hour)
		f := &feeder{clip: democam.Default(), at: time.Unix(1_800_000_000, 0)}
		rng := rand.New(rand.NewPCG(1, 2))
		for i := range frames {
			if jump && i%3 == 2 {
				f.ts += bigJump(rng) // forward, back, across the wrap
			}
			f.next(m)
		}
		m.close()
		return collect(q), st.snapshot()
	}
	start := time.Unix(1_800_000_000, 0)
	o, s := record(true)
	// What the jumps cost in bytes handed to the disk (and so in memory while queued): nothing.
	if steady, _ := record(false); o.bytes != steady.bytes {
		t.Errorf("bytes queued for the disk: %d with jumps, %d without", o.bytes, steady.bytes)
	}
	if len(o.starts) != 15 || o.frames != frames || s.Dropped != 0 {
		t.Fatalf("got %d segments, %d frames (%d dropped); want 15 segments of 4 s and all %d frames",
			len(o.starts), o.frames, s.Dropped, frames)
	}
	if s.Discont < frames/4 {
		t.Fatalf("discontinuities: got %d, want about %d (the test's jumps were not seen)", s.Discont, frames/3)
	}
	for i, seg := range o.starts {
		if seg.Run != o.starts[0].ID {
			t.Errorf("segment %d: run %d, want one run %d", i, seg.Run, o.starts[0].ID)
		}
		// Every segment starts at the wall time of its first keyframe (every 2 s from the start).
		if want := start.Add(time.Duration(i) * 4 * time.Second); seg.Start.Sub(want).Abs() > 5*time.Millisecond {
			t.Errorf("segment %d starts at %s, want %s", i, seg.Start.Sub(start), want.Sub(start))
		}
	}
}

// TestMuxerReanchorsBursts: when the frames of a jumping camera arrive in bursts (two at a time), a frame
// before a jump still lasts at least half a frame, or players would show two frames at one time.
func TestMuxerReanchorsBursts(t *testing.T) {
	m, q, st := newTestMuxer(time.Hour)
	f := &feeder{clip: democam.Default(), at: time.Unix(1_800_000_000, 0)}
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range 600 {
		if i%3 == 2 {
			f.ts += bigJump(rng)
		}
		at := f.at
		f.at = f.at.Truncate(80 * time.Millisecond) // this frame arrives with the one before or after
		f.next(m)
		f.at = at.Add(40 * time.Millisecond)
	}
	m.close()
	short := 0
	for _, it := range drain(q) {
		for _, p := range it.parts {
			for _, fr := range p.frames[0] {
				if fr.Duration < 1800 {
					short++
				}
			}
		}
	}
	if short > 0 || st.snapshot().Dropped != 0 {
		t.Errorf("%d frames shorter than half a frame, %d dropped; want none", short, st.snapshot().Dropped)
	}
}

// TestMuxerBoundsCuts: a camera whose clock runs ten times too fast breaks its timeline every third of
// a second, and every frame is a keyframe, so each break could start a segment. Segment starts (a file
// and an index row each) stay within the per-minute budget, and what was refused is counted.
func TestMuxerBoundsCuts(t *testing.T) {
	m, q, st := newTestMuxer(time.Hour)
	clip := democam.Default()
	key := clip.Video.Samples[0]
	if !key.Key {
		t.Fatal("the demo clip does not open with a keyframe")
	}
	allKey := *clip
	allKey.Video.Samples = []democam.VideoSample{key}
	f := &feeder{clip: &allKey, at: time.Unix(1_800_000_000, 0)}
	const minutes = 3
	for range minutes * 60 * 25 {
		f.ts += 9 * 3600 // ten frames' worth of ticks per frame (next adds the tenth)
		f.next(m)
	}
	m.close()
	o := collect(q)
	s := st.snapshot()
	// The old muxer started a segment at every break: about 180 a minute.
	if limit := maxCuts * (minutes + 1); len(o.starts) > limit {
		t.Errorf("segments started in %d min: got %d, want at most %d", minutes, len(o.starts), limit)
	}
	if s.SegmentsRefused == 0 || s.Dropped == 0 {
		t.Errorf("refused starts %d, dropped frames %d: want both counted", s.SegmentsRefused, s.Dropped)
	}
	if o.frames == 0 {
		t.Error("nothing recorded: the allowed starts should still record")
	}
	t.Logf("%d segments started in %d min, %d starts refused, %d of %d frames recorded", len(o.starts), minutes,
		s.SegmentsRefused, o.frames, minutes*60*25)
}

// TestQueueBoundsBytes: parts whose timestamps say they last nothing (a camera whose clock stands still)
// cannot fill memory: the queue refuses them past maxQueueRate bytes per second of its bound.
func TestQueueBoundsBytes(t *testing.T) {
	q := newDiskQueue(time.Second)
	accepted := 0
	for range 100 {
		if q.push(queueItem{size: 1 << 20, parts: []partMeta{{}}}) {
			accepted++
		}
	}
	if accepted != maxQueueRate>>20 {
		t.Errorf("accepted %d parts of 1 MiB and no duration, want %d", accepted, maxQueueRate>>20)
	}
}
