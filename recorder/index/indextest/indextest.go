// Package indextest builds index records for tests and benchmarks of the index and of what reads it.
package indextest

import (
	"math/rand/v2"
	"time"

	"github.com/porchlight/porchlight/recorder/index"
)

// RealisticSegment builds the record of seconds of 25 fps H.264 (~20 KB frames, keyframe every 50) and
// 48 kHz AAC (1024-tick frames, ~300 B), cut into 1 s parts laid out back to back as the writer does.
func RealisticSegment(id, run uint64, start time.Time, seconds int) *index.Segment {
	rng := rand.New(rand.NewPCG(id, run))
	seg := &index.Segment{
		ID: id, Run: run, Start: start, End: start.Add(time.Duration(seconds) * time.Second),
		File: "2025-06-01/12-00-00.mp4", InitSize: 1100,
		Tracks: []index.Track{
			{ID: 1, Kind: index.Video, Codec: "H264", TimeScale: 90000},
			{ID: 2, Kind: index.Audio, Codec: "MPEG4Audio", TimeScale: 48000, Start: 211},
		},
	}
	off := int64(seg.InitSize)
	audioTicks := uint64(0)
	for s := range seconds {
		p := index.Part{Offset: off, MoofSize: uint32(900 + rng.IntN(400))}
		var bytes int64
		for i := range 25 {
			key := (s*25+i)%50 == 0
			size := uint32(12000 + rng.IntN(16000))
			if key {
				size = 90000 + uint32(rng.IntN(20000))
			}
			seg.Tracks[0].Frames = append(seg.Tracks[0].Frames, index.Frame{Size: size, Duration: 3600, Key: key})
			bytes += int64(size)
		}
		n := 0
		for ; audioTicks < uint64(s+1)*48000; audioTicks += 1024 {
			size := uint32(250 + rng.IntN(100))
			seg.Tracks[1].Frames = append(seg.Tracks[1].Frames, index.Frame{Size: size, Duration: 1024, Key: true})
			bytes += int64(size)
			n++
		}
		p.Counts = []uint32{25, uint32(n)}
		seg.Parts = append(seg.Parts, p)
		off = p.DataOffset() + bytes
	}
	seg.Size = off
	return seg
}
