package recorder

import (
	"bytes"
	"log/slog"
	"testing"
	"time"

	"github.com/bluenviron/mediacommon/v2/pkg/formats/fmp4"
	"github.com/bluenviron/mediacommon/v2/pkg/formats/mp4"

	"github.com/porchlight/porchlight/recorder/democam"
	"github.com/porchlight/porchlight/recorder/index"
)

// TestLiveTimelineNoOverlap: at a segment rotation the recorder places the new segment by wall time
// while the previous one's samples were timed by the camera's clock. When the first frame of a track
// arrived late, the track's clock correction settles lower during the first segment, and the next
// segment's start (video: moved back by up to maxSegmentSlew in the index) or first audio sample lies
// before the previous segment's end. On the live timeline every track must still go on where it ended:
// no part of a track starts before the previous one ended, and the track whose first frame was late
// goes on where it ended (within a tick of rounding); the other may have a gap, which players bridge.
// Before the fix the video of the second segment repeated 20 ms, which ffmpeg reading the HLS rounded
// to two frames at one time ("non monotonically increasing dts").
func TestLiveTimelineNoOverlap(t *testing.T) {
	for _, c := range []struct {
		name                 string
		videoLate, audioLate time.Duration
		wantIndexBack        bool
		exact                int // the track that must go on exactly; the other may have a gap
	}{
		{"first video frame late", 50 * time.Millisecond, 0, true, 1},
		{"first audio frame late", 0, 60 * time.Millisecond, false, 2},
	} {
		t.Run(c.name, func(t *testing.T) {
			checkLiveTimeline(t, c.videoLate, c.audioLate, c.wantIndexBack, c.exact)
		})
	}
}

func checkLiveTimeline(t *testing.T, videoLate, audioLate time.Duration, wantIndexBack bool, exact int) {
	clip := democam.Default()
	video := &trackSpec{kind: index.Video, codec: "H264", rate: 90000, params: &mp4.CodecH264{SPS: clip.SPS, PPS: clip.PPS}}
	audio := &trackSpec{kind: index.Audio, codec: "LPCM", rate: 48000,
		params: &mp4.CodecLPCM{BitDepth: 16, SampleRate: 48000, ChannelCount: 1}}
	q := newDiskQueue(time.Hour)
	st := &streamStats{}
	cfg := &Config{SegmentDuration: 20 * time.Second} // 20 ms of slew allowed, as a 60 s segment uses in practice
	cfg.setDefaults()
	m := newMuxer("front/main", []*trackSpec{video, audio}, cfg, &idSource{}, q, newHub(), st,
		newCutBudget(slog.New(slog.DiscardHandler), st))
	parts, stop := m.hub.Subscribe(5000)
	defer stop()

	t0 := time.Unix(1_800_000_000, 0)
	f := &feeder{clip: clip, at: t0}
	pcm := make([]byte, 1920) // 20 ms of 16-bit mono at 48 kHz
	for i := range 1101 {     // 44 s: three segments
		f.at = t0.Add(time.Duration(i) * 40 * time.Millisecond)
		if i == 0 {
			f.at = f.at.Add(videoLate)
		}
		f.next(m)
		for j := range 2 {
			at := t0.Add(time.Duration(2*i+j) * 20 * time.Millisecond)
			if i == 0 && j == 0 {
				at = at.Add(audioLate)
			}
			m.writeAudio(m.tracks[1], accessUnit{payload: pcm, rtpTS: uint32(2*i+j) * 960}, at)
		}
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
	ends := map[int]uint64{}
	n, samples := 0, map[int]int{}
	for p := range parts {
		if origin.IsZero() {
			origin = p.LiveStart
		}
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
				if end, ok := ends[tr.ID]; ok && (tr.BaseTime < end || tr.BaseTime > end+1 && tr.ID == exact) {
					t.Errorf("part %d (segment %d) track %d starts at tick %d, the previous part ended at %d (%+d)",
						n, p.SegmentID, tr.ID, tr.BaseTime, end, int64(tr.BaseTime)-int64(end))
				}
				end := tr.BaseTime
				for _, s := range tr.Samples {
					end += uint64(s.Duration)
				}
				ends[tr.ID] = end
				samples[tr.ID] += len(tr.Samples)
			}
		}
		n++
	}
	if len(starts) != 3 || samples[1] < 1000 || samples[2] < 2000 {
		t.Fatalf("got %d segments, %v samples by track; want 3 segments and every frame", len(starts), samples)
	}
	// The scenario must be the one the test is about: the index's second segment starts before the first
	// ended (video late), or where it ended (audio late).
	back := starts[0].Add(index.TicksToDuration(ticks[0], 90000)).Sub(starts[1])
	if (back > 0) != wantIndexBack {
		t.Fatalf("the index moved the second segment's start back %s; want a move back: %v", back, wantIndexBack)
	}
	t.Logf("%d parts; the index moved the second segment's start back %s", n, back)
}
