package index

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"time"
)

// formatVersion is the first byte of every record MarshalSegment writes.
const formatVersion = 1

// Bits of the per-frame header varint; the frame size occupies the bits above them.
const (
	frameHasPTSOffset = 1 << 0
	frameDurChanged   = 1 << 1
	frameKey          = 1 << 2
	frameSizeShift    = 3
)

// Unix-nanosecond bounds of the times a record can hold.
var (
	minTime = time.Unix(0, math.MinInt64)
	maxTime = time.Unix(0, math.MaxInt64)
)

// MarshalSegment encodes seg as a record (version 1):
//
//	version   byte
//	summary   id, run (uvarint); start (varint unix ns); end-start (varint ns); file (uvarint length,
//	          bytes); size, init size, track count (uvarint); per track: id (uvarint), kind (byte),
//	          codec (length, bytes), timescale, start, frame count (uvarint)
//	frames    per track, per frame: uvarint size<<3 | key<<2 | durationChanged<<1 | hasPTSOffset,
//	          then the duration (uvarint) if it differs from the previous frame's, then the
//	          composition offset (varint) if non-zero
//	parts     count (uvarint); per part: offset minus the end of the previous part (varint; the first
//	          part counts from InitSize), moof size, count of Counts, Counts (uvarint)
//
// A part ends after its mdat, that is at DataOffset plus the sizes of the frames its Counts cover, so the
// offset delta is zero for a file written part after part.
func MarshalSegment(seg *Segment) ([]byte, error) {
	if seg == nil {
		return nil, errors.New("index: marshal segment: nil segment")
	}
	for _, t := range []time.Time{seg.Start, seg.End} {
		if t.Before(minTime) || t.After(maxTime) {
			return nil, fmt.Errorf("index: marshal segment %d: time %v outside the years 1678-2262", seg.ID, t)
		}
	}
	if seg.Size < 0 {
		return nil, fmt.Errorf("index: marshal segment %d: negative size %d", seg.ID, seg.Size)
	}
	b := make([]byte, 0, 64+len(seg.File)+3*seg.Frames()+8*len(seg.Parts))
	b = appendSummary(b, seg)
	for i := range seg.Tracks {
		b = appendFrames(b, seg.Tracks[i].Frames)
	}
	return appendParts(b, seg), nil
}

func appendSummary(b []byte, seg *Segment) []byte {
	start := seg.Start.UnixNano()
	b = append(b, formatVersion)
	b = binary.AppendUvarint(b, seg.ID)
	b = binary.AppendUvarint(b, seg.Run)
	b = binary.AppendVarint(b, start)
	b = binary.AppendVarint(b, seg.End.UnixNano()-start)
	b = appendString(b, seg.File)
	b = binary.AppendUvarint(b, uint64(seg.Size))
	b = binary.AppendUvarint(b, uint64(seg.InitSize))
	b = binary.AppendUvarint(b, uint64(len(seg.Tracks)))
	for i := range seg.Tracks {
		t := &seg.Tracks[i]
		b = binary.AppendUvarint(b, uint64(t.ID))
		b = append(b, byte(t.Kind))
		b = appendString(b, t.Codec)
		b = binary.AppendUvarint(b, uint64(t.TimeScale))
		b = binary.AppendUvarint(b, t.Start)
		b = binary.AppendUvarint(b, uint64(len(t.Frames)))
	}
	return b
}

func appendFrames(b []byte, frames []Frame) []byte {
	var prevDur uint32
	for _, f := range frames {
		h := uint64(f.Size) << frameSizeShift
		if f.Key {
			h |= frameKey
		}
		if f.Duration != prevDur {
			h |= frameDurChanged
		}
		if f.PTSOffset != 0 {
			h |= frameHasPTSOffset
		}
		b = binary.AppendUvarint(b, h)
		if f.Duration != prevDur {
			b = binary.AppendUvarint(b, uint64(f.Duration))
			prevDur = f.Duration
		}
		if f.PTSOffset != 0 {
			b = binary.AppendVarint(b, int64(f.PTSOffset))
		}
	}
	return b
}

func appendParts(b []byte, seg *Segment) []byte {
	b = binary.AppendUvarint(b, uint64(len(seg.Parts)))
	end := int64(seg.InitSize)
	cursor := make([]int, len(seg.Tracks))
	for i := range seg.Parts {
		p := &seg.Parts[i]
		b = binary.AppendVarint(b, p.Offset-end)
		b = binary.AppendUvarint(b, uint64(p.MoofSize))
		b = binary.AppendUvarint(b, uint64(len(p.Counts)))
		for _, n := range p.Counts {
			b = binary.AppendUvarint(b, uint64(n))
		}
		end = partEnd(p, seg.Tracks, cursor)
	}
	return b
}

// partEnd returns the file offset just past p's mdat and advances cursor (the next frame of each track)
// past the frames p covers. Counts beyond the frames present are ignored, so this is safe on any input;
// encoder and decoder share it so that their offsets agree even for inconsistent segments.
func partEnd(p *Part, tracks []Track, cursor []int) int64 {
	end := p.DataOffset()
	for i, n := range p.Counts {
		if i >= len(tracks) {
			break
		}
		frames := tracks[i].Frames[cursor[i]:]
		take := min(uint64(n), uint64(len(frames)))
		for _, f := range frames[:take] {
			end += int64(f.Size)
		}
		cursor[i] += int(take)
	}
	return end
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}
