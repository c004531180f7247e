package recorder

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/bluenviron/mediacommon/v2/pkg/formats/mp4"

	"github.com/porchlight/porchlight/recorder/democam"
	"github.com/porchlight/porchlight/recorder/index"
)

// feeder plays the demo clip's video into a muxer with synthetic arrival times, as a camera would.
type feeder struct {
	clip    *democam.Clip
	i       int
	ts      uint32
	at      time.Time
	sdpOnly bool // parameter sets only in the SDP, never in band
}

func (f *feeder) next(m *muxer) {
	s := f.clip.Video.Samples[f.i%len(f.clip.Video.Samples)]
	nalus := s.NALUs
	if s.Key && !f.sdpOnly { // most cameras send parameter sets in band before each IDR
		nalus = append([][]byte{f.clip.SPS, f.clip.PPS}, nalus...)
	}
	m.writeVideo(accessUnit{nalus: nalus, rtpTS: f.ts}, f.at)
	f.i++
	f.ts += 3600
	f.at = f.at.Add(40 * time.Millisecond)
}

func newTestMuxer(queue time.Duration) (*muxer, *diskQueue, *streamStats) {
	clip := democam.Default()
	spec := &trackSpec{kind: index.Video, codec: "H264", rate: 90000,
		params: &mp4.CodecH264{SPS: clip.SPS, PPS: clip.PPS}}
	q := newDiskQueue(queue)
	st := &streamStats{}
	cfg := &Config{SegmentDuration: 4 * time.Second}
	cfg.setDefaults()
	return newMuxer("front/main", []*trackSpec{spec}, cfg, &idSource{}, q, newHub(), st, newCutBudget(slog.New(slog.DiscardHandler), st)), q, st
}

func drain(q *diskQueue) []queueItem {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out []queueItem
	for {
		it, ok := q.pop(ctx)
		if !ok {
			return out
		}
		out = append(out, it)
	}
}

// TestMuxerSegmentsAndParts: parts of at most 1 s that start at keyframes or continue a GOP, and
// segments cut at the first keyframe after the segment duration, all in one run.
func TestMuxerSegmentsAndParts(t *testing.T) {
	m, q, _ := newTestMuxer(time.Hour)
	f := &feeder{clip: democam.Default(), at: time.Unix(1_800_000_000, 0)}
	for range 250 { // 10 s
		f.next(m)
	}
	m.close()
	var starts []*index.Segment
	for _, it := range drain(q) {
		switch {
		case it.start != nil:
			starts = append(starts, it.start)
		case !it.end:
			if it.dur > time.Second {
				t.Errorf("write batch of %s, want at most 1s", it.dur)
			}
			if f := it.parts[0].frames[0]; len(f) == 0 || f[0].Key != it.key {
				t.Errorf("batch key flag %v does not match its first frame", it.key)
			}
			for _, p := range it.parts {
				var d uint32
				for _, f := range p.frames[0] {
					d += f.Duration
				}
				if d > 90000/4 {
					t.Errorf("part of %d ticks, want at most 250ms", d)
				}
			}
		}
	}
	if len(starts) != 3 { // GOP 2 s, segments cut at the first keyframe after 4 s: 0, 4, 8
		t.Fatalf("segments: got %d, want 3", len(starts))
	}
	for i, s := range starts {
		if s.Run != starts[0].ID {
			t.Errorf("segment %d: run %d, want %d (one run)", i, s.Run, starts[0].ID)
		}
		if i > 0 {
			if gap := s.Start.Sub(starts[i-1].Start); gap != 4*time.Second {
				t.Errorf("segment %d starts %s after the previous, want 4s (contiguous)", i, gap)
			}
		}
	}
}

// TestMuxerDropsWholeGOPs: when the disk falls behind, the muxer never blocks: it drops whole GOPs,
// counts them, and resumes with a new run at a keyframe once the queue has room.
func TestMuxerDropsWholeGOPs(t *testing.T) {
	m, q, st := newTestMuxer(1500 * time.Millisecond)
	f := &feeder{clip: democam.Default(), at: time.Unix(1_800_000_000, 0)}
	for range 200 { // 8 s while nothing is written
		f.next(m)
	}
	if st.snapshot().DroppedGOPs == 0 {
		t.Fatal("no GOP dropped with a full queue")
	}
	first := drain(q)
	var queued time.Duration
	for _, it := range first {
		queued += it.dur
	}
	if queued > 1500*time.Millisecond {
		t.Errorf("queued %s of media, want at most the 1.5s bound", queued)
	}
	for range 100 { // the disk caught up
		f.next(m)
	}
	m.close()
	next := drain(q)
	if len(next) == 0 || next[0].start == nil {
		t.Fatalf("after the queue drained: got %d items, want a new segment first", len(next))
	}
	if s := next[0].start; s.Run != s.ID {
		t.Errorf("segment after dropped GOPs: run %d, want a new run (%d)", s.Run, s.ID)
	}
	if !next[1].key {
		t.Error("recording resumed on a part that does not start with a keyframe")
	}
}

// TestMuxerRestartsAfterWriteFailure: when the writer loses a part it flags the queue; the muxer ends the
// segment and starts a new one, in a new run, at the next keyframe instead of writing past the hole.
func TestMuxerRestartsAfterWriteFailure(t *testing.T) {
	m, q, _ := newTestMuxer(time.Hour)
	f := &feeder{clip: democam.Default(), at: time.Unix(1_800_000_000, 0)}
	for range 30 {
		f.next(m)
	}
	drain(q)
	q.broken.Store(true)
	for range 60 { // past the next keyframe at frame 50
		f.next(m)
	}
	items := drain(q)
	var starts []*index.Segment
	ended := false
	for _, it := range items {
		if it.end && len(starts) == 0 {
			ended = true
		}
		if it.start != nil {
			starts = append(starts, it.start)
		}
	}
	if !ended || len(starts) != 1 || starts[0].Run != starts[0].ID {
		t.Fatalf("after a write failure: ended=%v, starts=%d (want the old segment ended and one new run)", ended, len(starts))
	}
	if q.broken.Load() {
		t.Error("broken flag still set after the restart")
	}
}

// TestMuxerParamsOnlyInSDP: a camera that announces SPS/PPS only in the SDP records normally.
func TestMuxerParamsOnlyInSDP(t *testing.T) {
	m, q, st := newTestMuxer(time.Hour)
	f := &feeder{clip: democam.Default(), at: time.Unix(1_800_000_000, 0), sdpOnly: true}
	for range 250 {
		f.next(m)
	}
	m.close()
	frames, starts := 0, 0
	for _, it := range drain(q) {
		if it.start != nil {
			starts++
		}
		for _, p := range it.parts {
			frames += len(p.frames[0])
		}
	}
	if got := st.snapshot(); got.Discont != 0 || starts != 3 || frames != 250 {
		t.Fatalf("got %d segments, %d frames, %d discontinuities; want 3, 250, 0", starts, frames, got.Discont)
	}
}
