package index

import (
	"encoding/binary"
	"fmt"
	"math"
	"time"
)

// UnmarshalSegment decodes a record written by MarshalSegment. Times are returned in UTC. Errors wrap
// ErrBadRecord. It never panics, and it allocates at most a small multiple of len(b): every count is
// checked against the bytes left before anything is allocated for it.
func UnmarshalSegment(b []byte) (*Segment, error) {
	r := &reader{b: b, n: len(b)}
	seg, frames := r.summary()
	if r.err != nil {
		return nil, r.err
	}
	for i := range seg.Tracks {
		seg.Tracks[i].Frames = r.frames(frames[i])
	}
	seg.Parts = r.parts(seg)
	if r.err == nil && len(r.b) > 0 {
		r.fail("%d trailing bytes", len(r.b))
	}
	if r.err != nil {
		return nil, r.err
	}
	return seg, nil
}

// UnmarshalSummary decodes only the leading summary of a record: every field of the Segment and of its
// Tracks except Track.Frames and Segment.Parts, which are left nil. It reads a few dozen bytes however long
// the record is. Errors wrap ErrBadRecord.
func UnmarshalSummary(b []byte) (*Segment, error) {
	r := &reader{b: b, n: len(b)}
	seg, _ := r.summary()
	if r.err != nil {
		return nil, r.err
	}
	return seg, nil
}

// reader decodes a record front to back. The first error sticks: later reads return zero values.
type reader struct {
	b   []byte // bytes not yet read
	n   int    // length of the whole record, for error offsets
	err error
}

func (r *reader) fail(format string, args ...any) {
	if r.err == nil {
		r.err = fmt.Errorf("%w: at byte %d: %s", ErrBadRecord, r.n-len(r.b), fmt.Sprintf(format, args...))
	}
	r.b = nil
}

// summary decodes the fields before the frame tables and returns the frame count of each track.
func (r *reader) summary() (*Segment, []int) {
	if v := r.byte(); r.err == nil && v != formatVersion {
		r.fail("unknown format version %d", v)
	}
	seg := &Segment{ID: r.uvarint(), Run: r.uvarint()}
	start := r.varint()
	end := start + r.varint() // wraps like the encoder's subtraction, so any stored pair round-trips
	seg.Start = time.Unix(0, start).UTC()
	seg.End = time.Unix(0, end).UTC()
	seg.File = r.string()
	size := r.uvarint()
	if size > math.MaxInt64 {
		r.fail("size %d overflows int64", size)
	}
	seg.Size = int64(size)
	seg.InitSize = r.uint32()
	// A track header takes at least 6 bytes.
	n := r.count(6)
	if n > 0 {
		seg.Tracks = make([]Track, n)
	}
	frames := make([]int, n)
	total := 0
	for i := range seg.Tracks {
		t := &seg.Tracks[i]
		t.ID = r.uint32()
		t.Kind = Kind(r.byte())
		t.Codec = r.string()
		t.TimeScale = r.uint32()
		t.Start = r.uvarint()
		frames[i] = r.count(1)
		total += frames[i]
	}
	// Every frame takes at least one byte, so the tables cannot hold more frames than bytes remain.
	if r.err == nil && total > len(r.b) {
		r.fail("%d frames in %d bytes", total, len(r.b))
	}
	return seg, frames
}

func (r *reader) frames(n int) []Frame {
	if n == 0 || r.err != nil {
		return nil
	}
	frames := make([]Frame, n)
	var dur uint32
	for i := range frames {
		h := r.uvarint()
		if h>>frameSizeShift > math.MaxUint32 {
			r.fail("frame size %d overflows uint32", h>>frameSizeShift)
			return nil
		}
		if h&frameDurChanged != 0 {
			dur = r.uint32()
		}
		f := Frame{Size: uint32(h >> frameSizeShift), Duration: dur, Key: h&frameKey != 0}
		if h&frameHasPTSOffset != 0 {
			off := r.varint()
			if off < math.MinInt32 || off > math.MaxInt32 {
				r.fail("composition offset %d overflows int32", off)
			}
			f.PTSOffset = int32(off)
		}
		frames[i] = f
	}
	if r.err != nil {
		return nil
	}
	return frames
}

func (r *reader) parts(seg *Segment) []Part {
	// A part takes at least 3 bytes.
	n := r.count(3)
	if n == 0 || r.err != nil {
		return nil
	}
	parts := make([]Part, n)
	end := int64(seg.InitSize)
	cursor := make([]int, len(seg.Tracks))
	for i := range parts {
		p := &parts[i]
		p.Offset = end + r.varint()
		p.MoofSize = r.uint32()
		if c := r.count(1); c > 0 {
			p.Counts = make([]uint32, c)
			for j := range p.Counts {
				p.Counts[j] = r.uint32()
			}
		}
		if r.err != nil {
			return nil
		}
		end = partEnd(p, seg.Tracks, cursor)
	}
	return parts
}

func (r *reader) byte() byte {
	if len(r.b) == 0 {
		r.fail("truncated")
		return 0
	}
	v := r.b[0]
	r.b = r.b[1:]
	return v
}

func (r *reader) uvarint() uint64 {
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.fail("bad or truncated varint")
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *reader) varint() int64 {
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.fail("bad or truncated varint")
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *reader) uint32() uint32 {
	v := r.uvarint()
	if v > math.MaxUint32 {
		r.fail("value %d overflows uint32", v)
		return 0
	}
	return uint32(v)
}

// count reads a number of items that take at least size bytes each and rejects it if the remaining
// bytes cannot hold that many.
func (r *reader) count(size int) int {
	v := r.uvarint()
	if r.err == nil && v > uint64(len(r.b)/size) {
		r.fail("count %d exceeds the %d bytes left", v, len(r.b))
	}
	if r.err != nil {
		return 0
	}
	return int(v)
}

func (r *reader) string() string {
	n := r.count(1)
	if r.err != nil {
		return ""
	}
	s := string(r.b[:n])
	r.b = r.b[n:]
	return s
}
