package export_test

import (
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/porchlight/porchlight/recorder/export"
	"github.com/porchlight/porchlight/recorder/index"
)

// layouts are the ways the tests cut the 8-s sources into segment files.
type layoutFunc func(t *testing.T, dir string, src, other *source) []*index.Segment

var (
	oneSegment = func(t *testing.T, dir string, src, _ *source) []*index.Segment {
		return []*index.Segment{writeSegment(t, dir, src, 1, 0, 8, 0)}
	}
	twoSegments = func(t *testing.T, dir string, src, _ *source) []*index.Segment {
		return []*index.Segment{writeSegment(t, dir, src, 1, 0, 4, 0), writeSegment(t, dir, src, 2, 4, 8, 0)}
	}
	// withGap stops recording for 3 s after 4 s: the second segment holds source seconds 4-8 at 7-11.
	withGap = func(t *testing.T, dir string, src, _ *source) []*index.Segment {
		return []*index.Segment{writeSegment(t, dir, src, 1, 0, 4, 0),
			writeSegment(t, dir, src, 2, 4, 8, 3*time.Second)}
	}
	// lateAudio has no audio in the first second.
	lateAudio = func(t *testing.T, dir string, src, _ *source) []*index.Segment {
		return []*index.Segment{writeSegment(t, dir, withoutAudio(t, src, 1), 1, 0, 8, 0)}
	}
	// codecChange switches to a source of another picture size after 4 s.
	codecChange = func(t *testing.T, dir string, src, other *source) []*index.Segment {
		return []*index.Segment{writeSegment(t, dir, src, 1, 0, 4, 0), writeSegment(t, dir, other, 2, 4, 8, 0)}
	}
)

func TestExportPlays(t *testing.T) {
	src, other := sourceOf(t, "320x240"), sourceOf(t, "352x288")
	const frame = 40 * time.Millisecond
	cases := []struct {
		name               string
		layout             layoutFunc
		start, end         time.Duration // requested, from base
		wantStart, wantEnd time.Duration // played
		wantEntries        uint32        // video sample entries
	}{
		{"full range", oneSegment, 0, 8 * time.Second, 0, 8 * time.Second, 1},
		{"mid-GOP start", oneSegment, 2520 * time.Millisecond, 5200 * time.Millisecond,
			2520 * time.Millisecond, 5200 * time.Millisecond, 1},
		{"start between frames", oneSegment, 2530 * time.Millisecond, 5210 * time.Millisecond,
			2530 * time.Millisecond, 5210 * time.Millisecond, 1},
		{"across two segments", twoSegments, 2500 * time.Millisecond, 6500 * time.Millisecond,
			2500 * time.Millisecond, 6500 * time.Millisecond, 1},
		{"across a gap", withGap, 2 * time.Second, 10 * time.Second, 2 * time.Second, 10 * time.Second, 1},
		{"codec change", codecChange, time.Second, 7 * time.Second, time.Second, 7 * time.Second, 2},
		{"starts before the recording", oneSegment, -5 * time.Second, 3 * time.Second, 0, 3 * time.Second, 1},
		{"audio starts late", lateAudio, 0, 3 * time.Second, 0, 3 * time.Second, 1},
		{"ends after the recording", twoSegments, 6 * time.Second, 20 * time.Second, 6 * time.Second, 0, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			segs := tc.layout(t, dir, src, other)
			start, end := base.Add(tc.start), base.Add(tc.end)
			c, err := export.New(segs, start, end, opener(dir))
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			defer c.Close()
			wantStart, wantEnd := base.Add(tc.wantStart), base.Add(tc.wantEnd)
			if tc.wantEnd == 0 {
				video := framesOf(segs, index.Video)
				wantEnd = video[len(video)-1].end
			}
			if gs, ge := c.Range(); !gs.Equal(wantStart) || !ge.Equal(wantEnd) {
				t.Errorf("Range: got %s..%s, want %s..%s", gs, ge, wantStart, wantEnd)
			}
			path := writeClip(t, c)
			decode(t, path)

			p := ffprobe(t, path)
			codecs := map[string]string{}
			for _, s := range p.Streams {
				codecs[s.CodecType] = s.CodecName
				if s.CodecType == "video" {
					if got, want := s.NbReadFrames, itoa(videoFramesIn(segs, wantStart, wantEnd)); got != want {
						t.Errorf("video frames: got %s, want %s", got, want)
					}
				}
			}
			if codecs["video"] != "h264" || codecs["audio"] != "aac" || len(p.Streams) != 2 {
				t.Errorf("streams: got %v, want h264 video and aac audio", codecs)
			}
			if got, want := seconds(t, p.Format.Duration), wantEnd.Sub(wantStart); got < want-frame || got > want+frame {
				t.Errorf("duration: got %s, want %s within a frame", got, want)
			}
			checkTracks(t, path, segs, wantStart, wantEnd, tc.wantEntries)
		})
	}
}

// checkTracks reads the moov back and checks sample counts, edit offsets (A/V sync) and that each track's
// media time spans the wall time from its first sample to the end of its last, gaps included.
func checkTracks(t *testing.T, path string, segs []*index.Segment, start, end time.Time, wantEntries uint32) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	infos := inspect(t, f)
	if len(infos) != 2 {
		t.Fatalf("traks: got %d, want 2", len(infos))
	}
	for _, ti := range infos {
		kind := index.Video
		if ti.handler == "soun" {
			kind = index.Audio
		}
		samples, first, span := expectTrack(framesOf(segs, kind), kind, start, end)
		if got, want := int(ti.samples), samples; got != want {
			t.Errorf("%s samples: got %d, want %d", ti.handler, got, want)
		}
		tick := time.Second/time.Duration(ti.timescale) + 1
		wantMedia, wantEmpty := start.Sub(first), time.Duration(0)
		if first.After(start) {
			wantMedia, wantEmpty = 0, first.Sub(start)
		}
		if got := index.TicksToDuration(uint64(ti.mediaTime), ti.timescale); absDur(got-wantMedia) > tick {
			t.Errorf("%s edit media time: got %s, want %s", ti.handler, got, wantMedia)
		}
		if absDur(ti.emptyEdit-wantEmpty) > time.Millisecond/2 {
			t.Errorf("%s empty edit: got %s, want %s", ti.handler, ti.emptyEdit, wantEmpty)
		}
		if got, want := index.TicksToDuration(ti.duration, ti.timescale), span; absDur(got-want) > tick {
			t.Errorf("%s media duration: got %s, want %s", ti.handler, got, want)
		}
		if kind == index.Video && ti.entries != wantEntries {
			t.Errorf("video sample entries: got %d, want %d", ti.entries, wantEntries)
		}
	}
}

func absDur(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

func itoa(n int) string { return strconv.Itoa(n) }
