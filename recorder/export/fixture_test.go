package export_test

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h264"
	"github.com/bluenviron/mediacommon/v2/pkg/formats/fmp4"
	"github.com/bluenviron/mediacommon/v2/pkg/formats/fmp4/seekablebuffer"
	"github.com/bluenviron/mediacommon/v2/pkg/formats/mp4"

	"github.com/porchlight/porchlight/recorder/export"
	"github.com/porchlight/porchlight/recorder/index"
)

// base is the wall time of media time 0 of every test source.
var base = time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)

// source is a real H.264+AAC recording made by ffmpeg, as its init and its 1-s fragments.
type source struct {
	init  fmp4.Init
	parts fmp4.Parts
}

// sources memoises the parsed sources by picture size: encoding takes a second and the bytes never change.
var sources = struct {
	sync.Mutex
	m map[string]*source
}{m: map[string]*source{}}

// sourceOf returns the 8-s source of a picture size, encoding it on first use.
func sourceOf(tb testing.TB, size string) *source {
	tb.Helper()
	sources.Lock()
	defer sources.Unlock()
	if src, ok := sources.m[size]; ok {
		return src
	}
	src := makeSource(tb, size)
	sources.m[size] = src
	return src
}

// requireFFmpeg fails the test when ffmpeg or ffprobe is missing.
func requireFFmpeg(tb testing.TB) {
	tb.Helper()
	for _, tool := range []string{"ffmpeg", "ffprobe"} {
		if _, err := exec.LookPath(tool); err != nil {
			tb.Fatal("install ffmpeg (see .ci/run)")
		}
	}
}

// makeSource encodes 8 s of test picture (of size, e.g. "320x240") and tone with ffmpeg and parses it.
func makeSource(tb testing.TB, size string) *source {
	tb.Helper()
	requireFFmpeg(tb)
	path := filepath.Join(tb.TempDir(), "src.mp4")
	cmd := exec.Command("ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc2=size="+size+":rate=25",
		"-f", "lavfi", "-i", "sine=frequency=1000:sample_rate=48000", "-t", "8", "-c:v", "libx264",
		"-g", "25", "-bf", "0", "-pix_fmt", "yuv420p", "-c:a", "aac",
		"-movflags", "frag_keyframe+empty_moov+default_base_moof", path)
	if out, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("ffmpeg: %v: %s", err, out)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	// The init is the ftyp and moov boxes; the parts follow.
	initEnd := 0
	for _, want := range []string{"ftyp", "moov"} {
		if typ := string(data[initEnd+4 : initEnd+8]); typ != want {
			tb.Fatalf("source box at %d: got %q, want %q", initEnd, typ, want)
		}
		initEnd += int(binary.BigEndian.Uint32(data[initEnd:]))
	}
	src := &source{}
	if err := src.init.Unmarshal(bytes.NewReader(data[:initEnd])); err != nil {
		tb.Fatalf("parse source init: %v", err)
	}
	if err := src.parts.Unmarshal(data[initEnd:]); err != nil {
		tb.Fatalf("parse source parts: %v", err)
	}
	if got, want := len(src.parts), 8; got != want {
		tb.Fatalf("source fragments: got %d, want %d", got, want)
	}
	// ffmpeg flags the keyframe of a fragment with trun first_sample_flags, which fmp4.Parts ignores:
	// take sync-ness from the NAL units instead.
	for _, it := range src.init.Tracks {
		if _, ok := it.Codec.(*mp4.CodecH264); !ok {
			continue
		}
		for _, p := range src.parts {
			for _, s := range partTrack(tb, p, it.ID).Samples {
				au, err := s.GetH264()
				if err != nil {
					tb.Fatalf("source sample: %v", err)
				}
				s.IsNonSyncSample = !h264.IsRandomAccess(au)
			}
		}
	}
	return src
}

// writeSegment writes source fragments [from, to) as a segment file in dir, the way the recorder lays
// them out, with source media time x at wall time base+shift+x, and returns its index record.
func writeSegment(tb testing.TB, dir string, src *source, id uint64, from, to int,
	shift time.Duration) *index.Segment {
	tb.Helper()
	var buf seekablebuffer.Buffer
	if err := src.init.Marshal(&buf); err != nil {
		tb.Fatal(err)
	}
	seg := &index.Segment{ID: id, Run: id, File: fmt.Sprintf("seg%03d.mp4", id), InitSize: uint32(buf.Len())}
	// Segment media time 0 is the earliest track start of the first fragment.
	t0 := time.Duration(1<<63 - 1)
	for _, it := range src.init.Tracks {
		t0 = min(t0, index.TicksToDuration(partTrack(tb, src.parts[from], it.ID).BaseTime, it.TimeScale))
	}
	seg.Start = base.Add(shift + t0)
	for _, it := range src.init.Tracks {
		kind, codec := index.Audio, "MPEG4Audio"
		if _, ok := it.Codec.(*mp4.CodecH264); ok {
			kind, codec = index.Video, "H264"
		}
		seg.Tracks = append(seg.Tracks, index.Track{ID: uint32(it.ID), Kind: kind, Codec: codec,
			TimeScale: it.TimeScale})
	}
	file := buf.Bytes()
	for k, sp := range src.parts[from:to] {
		part := fmp4.Part{SequenceNumber: uint32(k + 1)}
		counts := make([]uint32, len(src.init.Tracks))
		for j, it := range src.init.Tracks {
			pt := partTrack(tb, sp, it.ID)
			rel := pt.BaseTime - uint64(t0)*uint64(it.TimeScale)/uint64(time.Second)
			if k == 0 {
				seg.Tracks[j].Start = rel
			}
			part.Tracks = append(part.Tracks, &fmp4.PartTrack{ID: it.ID, BaseTime: rel, Samples: pt.Samples})
			counts[j] = uint32(len(pt.Samples))
			for _, s := range pt.Samples {
				seg.Tracks[j].Frames = append(seg.Tracks[j].Frames, index.Frame{Size: uint32(len(s.Payload)),
					Duration: s.Duration, PTSOffset: s.PTSOffset, Key: !s.IsNonSyncSample})
			}
		}
		var pb seekablebuffer.Buffer
		if err := part.Marshal(&pb); err != nil {
			tb.Fatal(err)
		}
		seg.Parts = append(seg.Parts, index.Part{Offset: int64(len(file)),
			MoofSize: binary.BigEndian.Uint32(pb.Bytes()), Counts: counts})
		file = append(file, pb.Bytes()...)
	}
	seg.Size = int64(len(file))
	seg.End = seg.Start
	for j := range seg.Tracks {
		if end := seg.Start.Add(index.TicksToDuration(seg.Tracks[j].Start, seg.Tracks[j].TimeScale) +
			seg.Tracks[j].Duration()); end.After(seg.End) {
			seg.End = end
		}
	}
	if err := os.WriteFile(filepath.Join(dir, seg.File), file, 0o644); err != nil {
		tb.Fatal(err)
	}
	return seg
}

// withoutAudio returns a copy of src whose first n fragments carry no audio samples; their (empty) audio
// runs start where the audio does, as the recorder writes them.
func withoutAudio(tb testing.TB, src *source, n int) *source {
	tb.Helper()
	out := &source{init: src.init}
	for k, p := range src.parts {
		cp := &fmp4.Part{SequenceNumber: p.SequenceNumber}
		for _, pt := range p.Tracks {
			c := *pt
			if k < n && !isVideo(src, pt.ID) {
				c.Samples, c.BaseTime = nil, partTrack(tb, src.parts[n], pt.ID).BaseTime
			}
			cp.Tracks = append(cp.Tracks, &c)
		}
		out.parts = append(out.parts, cp)
	}
	return out
}

// isVideo tells whether track id of src is the H.264 one.
func isVideo(src *source, id int) bool {
	for _, it := range src.init.Tracks {
		if it.ID == id {
			_, ok := it.Codec.(*mp4.CodecH264)
			return ok
		}
	}
	return false
}

// partTrack returns the track with id of a source fragment.
func partTrack(tb testing.TB, p *fmp4.Part, id int) *fmp4.PartTrack {
	tb.Helper()
	for _, pt := range p.Tracks {
		if pt.ID == id {
			return pt
		}
	}
	tb.Fatalf("source fragment without track %d", id)
	return nil
}

// opener opens segment files in dir.
func opener(dir string) export.Opener {
	return func(seg *index.Segment) (export.File, error) {
		return os.Open(filepath.Join(dir, seg.File))
	}
}
