package export_test

import (
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/bluenviron/mediacommon/v2/pkg/codecs/mpeg4audio"
	"github.com/bluenviron/mediacommon/v2/pkg/formats/fmp4"
	"github.com/bluenviron/mediacommon/v2/pkg/formats/fmp4/seekablebuffer"
	"github.com/bluenviron/mediacommon/v2/pkg/formats/mp4"

	"github.com/porchlight/porchlight/recorder/index"
)

// synthSpec describes a synthetic recording: back-to-back segments of whole seconds with 1-s parts,
// 25 fps H.264 at 90 kHz with a keyframe every 2 s, and AAC at 48 kHz.
type synthSpec struct {
	segments           int
	segDur             time.Duration
	keySize, frameSize uint32 // video frame sizes
	audioSize          uint32
	sparse             bool // write only the init and markers; the file is extended to its size
	markParts          bool // write a marker at the first sample of each (part, track) run
}

// Real parameter sets, so that fmp4.Init.Marshal can read the picture size.
var (
	synthSPS = []byte{0x67, 0x42, 0xc0, 0x1f, 0xd9, 0x00, 0xf0, 0x11, 0x7e, 0xf0, 0x11, 0x00, 0x00, 0x03,
		0x00, 0x01, 0x00, 0x00, 0x03, 0x00, 0x30, 0x8f, 0x18, 0x32, 0x48}
	synthPPS = []byte{0x68, 0xcb, 0x8c, 0xb2}
)

// marker is the 8 bytes writeSynth puts at the start of the first sample of a run.
func marker(seg uint64, part int, track int) []byte {
	b := []byte{0xa5, byte(track), 0, 0, 0, 0, 0, 0}
	binary.BigEndian.PutUint16(b[2:], uint16(seg))
	binary.BigEndian.PutUint32(b[4:], uint32(part))
	return b
}

// writeSynth writes the segment files of spec in dir and returns their records.
func writeSynth(tb testing.TB, dir string, spec synthSpec) []*index.Segment {
	tb.Helper()
	var ib seekablebuffer.Buffer
	err := fmp4.Init{Tracks: []*fmp4.InitTrack{
		{ID: 1, TimeScale: 90000, Codec: &mp4.CodecH264{SPS: synthSPS, PPS: synthPPS}},
		{ID: 2, TimeScale: 48000, Codec: &mp4.CodecMPEG4Audio{Config: mpeg4audio.AudioSpecificConfig{
			Type: mpeg4audio.ObjectTypeAACLC, SampleRate: 48000, ChannelCount: 1}}},
	}}.Marshal(&ib)
	if err != nil {
		tb.Fatal(err)
	}
	init := ib.Bytes()
	secs := int(spec.segDur / time.Second)
	var zeros []byte
	var segs []*index.Segment
	for s := range spec.segments {
		id := uint64(s + 1)
		seg := &index.Segment{ID: id, Run: 1, File: fmt.Sprintf("synth%04d.mp4", id),
			Start: base.Add(time.Duration(s) * spec.segDur), InitSize: uint32(len(init)),
			Tracks: []index.Track{{ID: 1, Kind: index.Video, Codec: "H264", TimeScale: 90000},
				{ID: 2, Kind: index.Audio, Codec: "MPEG4Audio", TimeScale: 48000}}}
		f, err := os.Create(filepath.Join(dir, seg.File))
		if err != nil {
			tb.Fatal(err)
		}
		write := func(p []byte, at int64) {
			if _, err := f.WriteAt(p, at); err != nil {
				tb.Fatal(err)
			}
		}
		write(init, 0)
		off := int64(len(init))
		// Audio frame k (of the whole recording) begins at k*1024/48000 s; a part takes those that begin
		// inside its second.
		firstAudio := func(sec int) int { return (sec*48000 + 1023) / 1024 }
		segSec := s * secs
		seg.Tracks[1].Start = uint64(firstAudio(segSec)*1024 - segSec*48000)
		for p := range secs {
			nv, na := 25, firstAudio(segSec+p+1)-firstAudio(segSec+p)
			part := index.Part{Offset: off, MoofSize: uint32(100 + 16*(nv+na)), Counts: []uint32{uint32(nv),
				uint32(na)}}
			data := part.DataOffset()
			for i := range nv {
				key := (segSec+p)%2 == 0 && i == 0
				size := spec.frameSize
				if key {
					size = spec.keySize
				}
				seg.Tracks[0].Frames = append(seg.Tracks[0].Frames, index.Frame{Size: size, Duration: 3600,
					Key: key})
			}
			for range na {
				seg.Tracks[1].Frames = append(seg.Tracks[1].Frames, index.Frame{Size: spec.audioSize,
					Duration: 1024, Key: true})
			}
			vbytes := sizeOf(seg.Tracks[0].Frames[len(seg.Tracks[0].Frames)-nv:])
			abytes := int64(na) * int64(spec.audioSize)
			if !spec.sparse {
				if need := max(int(vbytes+abytes)+8, int(part.MoofSize)); need > len(zeros) {
					zeros = make([]byte, need)
				}
				write(zeros[:part.MoofSize], off)
				write(zeros[:vbytes+abytes+8], data-8)
			}
			if spec.markParts {
				write(marker(id, p, 0), data)
				write(marker(id, p, 1), data+vbytes)
			}
			seg.Parts = append(seg.Parts, part)
			off = data + vbytes + abytes
		}
		if err := f.Truncate(off); err != nil {
			tb.Fatal(err)
		}
		if err := f.Close(); err != nil {
			tb.Fatal(err)
		}
		seg.Size = off
		seg.End = seg.Start.Add(spec.segDur)
		segs = append(segs, seg)
	}
	return segs
}

// sizeOf sums frame sizes.
func sizeOf(frames []index.Frame) int64 {
	var n int64
	for _, f := range frames {
		n += int64(f.Size)
	}
	return n
}
