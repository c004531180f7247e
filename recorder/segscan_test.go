package recorder

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/bluenviron/mediacommon/v2/pkg/formats/fmp4"
	"github.com/bluenviron/mediacommon/v2/pkg/formats/mp4"

	"github.com/porchlight/porchlight/recorder/index"
)

// buildSegment writes a segment file the way the writer does (init, then parts built by appendMoof with
// their payloads) and returns its bytes and the index record the writer would keep.
func buildSegment(t testing.TB, parts int) ([]byte, *index.Segment) {
	t.Helper()
	start := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	meta := segMeta{Version: segMetaVersion, Stream: "front/main", ID: 7, Run: 5, Start: start.UnixNano()}
	init, err := marshalInit([]*fmp4.InitTrack{
		{ID: 1, TimeScale: 90000, Codec: &mp4.CodecH264{SPS: testSPS, PPS: []byte{0x68, 0xce, 0x3c, 0x80}}},
		{ID: 2, TimeScale: 48000, Codec: &mp4.CodecOpus{ChannelCount: 1}},
	}, meta)
	if err != nil {
		t.Fatal(err)
	}
	seg := &index.Segment{ID: 7, Run: 5, Start: start, InitSize: uint32(len(init)), Size: int64(len(init)),
		Tracks: []index.Track{{ID: 1, Kind: index.Video, Codec: "H264", TimeScale: 90000},
			{ID: 2, Kind: index.Audio, Codec: "Opus", TimeScale: 48000, Start: 960}}}
	file := bytes.Clone(init)
	bases := []uint64{0, 960}
	for p := range parts {
		var pts []partTrack
		var payloads [][]byte
		counts := make([]uint32, 2)
		for ti := range 2 {
			var frames []index.Frame
			for f := range 25 - 15*ti + p%3 {
				size := 100 + 37*f + p
				fr := index.Frame{Size: uint32(size), Duration: 3600, Key: f == 0}
				if ti == 1 {
					fr.Duration, fr.Key = 960, true
				}
				if ti == 0 && f == 3 {
					fr.PTSOffset = 7200
				}
				frames = append(frames, fr)
				payloads = append(payloads, bytes.Repeat([]byte{byte(f)}, size))
			}
			pts = append(pts, partTrack{id: uint32(ti + 1), base: bases[ti], frames: frames})
			seg.Tracks[ti].Frames = append(seg.Tracks[ti].Frames, frames...)
			counts[ti] = uint32(len(frames))
			for _, f := range frames {
				bases[ti] += uint64(f.Duration)
			}
		}
		hdr := appendMoof(nil, uint32(p), pts)
		seg.Parts = append(seg.Parts, index.Part{Offset: int64(len(file)), MoofSize: uint32(len(hdr) - 8), Counts: counts})
		file = append(file, hdr...)
		for _, b := range payloads {
			file = append(file, b...)
		}
	}
	seg.Size = int64(len(file))
	seg.End = segmentEnd(seg)
	return file, seg
}

// testSPS is a real 640x360 H.264 SPS, so mediacommon's init parser accepts it.
var testSPS = []byte{0x67, 0x42, 0xc0, 0x1e, 0xda, 0x02, 0x80, 0xbf, 0xe5, 0x84, 0x00, 0x00, 0x03, 0x00, 0x04,
	0x00, 0x00, 0x03, 0x00, 0xc8, 0x3c, 0x58, 0xba, 0x80}

func TestScanSegmentRoundTrip(t *testing.T) {
	file, want := buildSegment(t, 4)
	res, err := scanSegment(bytes.NewReader(file), int64(len(file)))
	if err != nil {
		t.Fatal(err)
	}
	if res.torn {
		t.Error("complete file reported torn")
	}
	if res.meta.Stream != "front/main" || res.meta.ID != 7 || res.meta.Run != 5 {
		t.Errorf("meta: got %+v", res.meta)
	}
	if !reflect.DeepEqual(res.seg, want) {
		t.Errorf("scanned record differs from the writer's:\n got %+v\nwant %+v", res.seg, want)
	}
}

func TestScanSegmentTornTail(t *testing.T) {
	file, full := buildSegment(t, 3)
	lastPart := full.Parts[2].Offset
	for _, cut := range []int64{lastPart + 3, lastPart + 20, lastPart + int64(full.Parts[2].MoofSize) + 4, int64(len(file)) - 1} {
		res, err := scanSegment(bytes.NewReader(file[:cut]), cut)
		if err != nil {
			t.Fatalf("cut at %d: %v", cut, err)
		}
		if !res.torn || res.seg.Size != lastPart || len(res.seg.Parts) != 2 {
			t.Errorf("cut at %d: got torn=%v size=%d parts=%d, want torn, size %d, 2 parts", cut, res.torn,
				res.seg.Size, len(res.seg.Parts), lastPart)
		}
	}
	if _, err := scanSegment(bytes.NewReader(file[:40]), 40); err == nil {
		t.Error("a file cut inside its init: got no error")
	}
}

// TestRecoverFile: a file with a torn tail is cut back to its last complete part and indexed.
func TestRecoverFile(t *testing.T) {
	file, full := buildSegment(t, 3)
	dir := t.TempDir()
	r, err := New(Config{DataDir: dir, Cameras: []CameraConfig{{Name: "front", URL: "rtsp://127.0.0.1:1/x"}}})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	sdir := streamDir(dir, "front/main")
	if err := os.MkdirAll(sdir, 0o750); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(sdir, segFileName(7))
	if err := os.WriteFile(path, file[:len(file)-10], 0o640); err != nil {
		t.Fatal(err)
	}
	r.Recover()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Size() != full.Parts[2].Offset {
		t.Errorf("file size after recovery: got %d, want %d", fi.Size(), full.Parts[2].Offset)
	}
	got, err := r.db.Get("front/main", 7)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Parts) != 2 || got.File != segFileName(7) || !got.Start.Equal(full.Start) {
		t.Errorf("recovered record: got %d parts, file %q, start %s", len(got.Parts), got.File, got.Start)
	}
	if r.streams["front/main"].ids.last != 7 {
		t.Errorf("next segment ID: got last=%d, want 7", r.streams["front/main"].ids.last)
	}
}

// TestRecoverDropsRowsWithoutFiles: index rows whose segment files are gone are removed at start-up.
func TestRecoverDropsRowsWithoutFiles(t *testing.T) {
	_, seg := buildSegment(t, 2)
	seg.File = segFileName(seg.ID)
	dir := t.TempDir()
	r, err := New(Config{DataDir: dir, Cameras: []CameraConfig{{Name: "front", URL: "rtsp://127.0.0.1:1/x"}}})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if err := r.db.Put("front/main", seg); err != nil {
		t.Fatal(err)
	}
	r.Recover()
	if _, err := r.db.Get("front/main", seg.ID); !errors.Is(err, index.ErrNotFound) {
		t.Fatalf("row of a missing file after recovery: got err %v, want ErrNotFound", err)
	}
}

func FuzzScanSegment(f *testing.F) {
	file, _ := buildSegment(f, 2)
	f.Add(file)
	f.Add(file[:len(file)/2])
	f.Add([]byte{0, 0, 0, 8, 'f', 't', 'y', 'p'})
	f.Fuzz(func(t *testing.T, b []byte) {
		res, err := scanSegment(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			return
		}
		if res.seg.Size > int64(len(b)) {
			t.Fatalf("size %d beyond the file's %d bytes", res.seg.Size, len(b))
		}
		for _, p := range res.seg.Parts {
			if p.Offset < 0 || p.Offset >= res.seg.Size {
				t.Fatalf("part offset %d outside the file", p.Offset)
			}
		}
	})
}

// TestScanSegmentMalformedPart: a part the scanner cannot trust ends the segment there, keeping the
// parts before it, instead of losing the whole file.
func TestScanSegmentMalformedPart(t *testing.T) {
	file, full := buildSegment(t, 3)
	bad := bytes.Clone(file)
	// The second part's tfhd track ID (moof 8 + mfhd 16 + traf 8 + tfhd header 12 = 44 bytes in).
	off := full.Parts[1].Offset + 44
	bad[off], bad[off+1], bad[off+2], bad[off+3] = 0, 0, 0, 99
	res, err := scanSegment(bytes.NewReader(bad), int64(len(bad)))
	if err != nil {
		t.Fatal(err)
	}
	if !res.torn || len(res.seg.Parts) != 1 || res.seg.Size != full.Parts[1].Offset {
		t.Fatalf("got torn=%v parts=%d size=%d, want torn, 1 part, size %d", res.torn, len(res.seg.Parts),
			res.seg.Size, full.Parts[1].Offset)
	}
	if got, want := len(res.seg.Tracks[0].Frames), int(full.Parts[0].Counts[0]); got != want {
		t.Errorf("video frames kept: got %d, want %d", got, want)
	}
}
