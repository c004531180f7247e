package recorder

import (
	"encoding/binary"
	"fmt"
	"time"

	"github.com/bluenviron/mediacommon/v2/pkg/formats/mp4"

	"github.com/porchlight/porchlight/recorder/index"
)

// moofReader walks the boxes of a moof payload with bounds checks: every read of outside bytes goes
// through it, so a hostile file yields an error, never a panic.
type moofReader struct {
	b   []byte
	err error
}

func (m *moofReader) u32(off int) uint32 {
	if m.err != nil || off < 0 || off+4 > len(m.b) {
		m.fail("truncated box")
		return 0
	}
	return binary.BigEndian.Uint32(m.b[off:])
}

func (m *moofReader) u64(off int) uint64 {
	if m.err != nil || off < 0 || off+8 > len(m.b) {
		m.fail("truncated box")
		return 0
	}
	return binary.BigEndian.Uint64(m.b[off:])
}

func (m *moofReader) fail(why string) {
	if m.err == nil {
		m.err = fmt.Errorf("%w: moof: %s", errBadSegment, why)
	}
}

// children calls fn for each box inside [start,end) with the box type and its payload bounds.
func (m *moofReader) children(start, end int, fn func(typ string, pstart, pend int)) {
	for off := start; off < end && m.err == nil; {
		size := int(m.u32(off))
		if m.err != nil || size < 8 || off+size > end {
			m.fail("bad box size")
			return
		}
		fn(string(m.b[off+4:off+8]), off+8, off+size)
		off += size
	}
}

// addPart appends the frames of one moof (at file offset off, followed by an mdat of dataSize bytes) to seg.
func addPart(seg *index.Segment, ids map[uint32]int, moof []byte, off int64, dataSize int64) error {
	m := &moofReader{b: moof}
	part := index.Part{Offset: off, MoofSize: uint32(len(moof)), Counts: make([]uint32, len(seg.Tracks))}
	var total int64
	m.children(8, len(moof), func(typ string, ps, pe int) {
		if typ != "traf" {
			return
		}
		ti := -1
		var base uint64
		var defDur, defSize, defFlags uint32
		m.children(ps, pe, func(typ string, s, e int) {
			switch typ {
			case "tfhd":
				flags := m.u32(s) & 0xffffff
				id := m.u32(s + 4)
				i, ok := ids[id]
				if !ok {
					m.fail(fmt.Sprintf("unknown track %d", id))
					return
				}
				ti = i
				p := s + 8
				if flags&0x1 != 0 {
					p += 8
				}
				if flags&0x2 != 0 {
					p += 4
				}
				if flags&0x8 != 0 {
					defDur, p = m.u32(p), p+4
				}
				if flags&0x10 != 0 {
					defSize, p = m.u32(p), p+4
				}
				if flags&0x20 != 0 {
					defFlags = m.u32(p)
				}
			case "tfdt":
				if m.u32(s)>>24 == 1 {
					base = m.u64(s + 4)
				} else {
					base = uint64(m.u32(s + 4))
				}
			case "trun":
				if ti < 0 {
					m.fail("trun before tfhd")
					return
				}
				t := &seg.Tracks[ti]
				if len(t.Frames) == 0 {
					t.Start = base
				}
				n := parseTrun(m, s, e, t, defDur, defSize, defFlags)
				part.Counts[ti] += n
				for _, f := range t.Frames[len(t.Frames)-int(n):] {
					total += int64(f.Size)
				}
			}
		})
	})
	if m.err != nil {
		return m.err
	}
	if total != dataSize {
		return fmt.Errorf("%w: part at %d: samples hold %d bytes, mdat %d", errBadSegment, off, total, dataSize)
	}
	seg.Parts = append(seg.Parts, part)
	return nil
}

// parseTrun appends the samples of one trun box to t and returns how many there were.
func parseTrun(m *moofReader, s, e int, t *index.Track, defDur, defSize, defFlags uint32) uint32 {
	vflags := m.u32(s)
	version, flags := vflags>>24, vflags&0xffffff
	count := m.u32(s + 4)
	p := s + 8
	if flags&0x1 != 0 {
		p += 4
	}
	firstFlags, hasFirst := uint32(0), flags&0x4 != 0
	if hasFirst {
		firstFlags, p = m.u32(p), p+4
	}
	per := 0
	for _, bit := range []uint32{0x100, 0x200, 0x400, 0x800} {
		if flags&bit != 0 {
			per += 4
		}
	}
	if m.err != nil || (per > 0 && int(count) > (e-p)/per) || (per == 0 && count > 1<<20) {
		m.fail("trun sample count exceeds box")
		return 0
	}
	for i := uint32(0); i < count && m.err == nil; i++ {
		f := index.Frame{Duration: defDur, Size: defSize}
		sflags := defFlags
		if i == 0 && hasFirst {
			sflags = firstFlags
		}
		if flags&0x100 != 0 {
			f.Duration, p = m.u32(p), p+4
		}
		if flags&0x200 != 0 {
			f.Size, p = m.u32(p), p+4
		}
		if flags&0x400 != 0 {
			sflags, p = m.u32(p), p+4
		}
		if flags&0x800 != 0 {
			cto := m.u32(p)
			p += 4
			if version == 0 {
				f.PTSOffset = int32(min(cto, 1<<31-1))
			} else {
				f.PTSOffset = int32(cto)
			}
		}
		f.Key = sflags&0x10000 == 0 || t.Kind == index.Audio
		t.Frames = append(t.Frames, f)
	}
	return count
}

// segmentEnd is the wall-clock end of the longest track.
func segmentEnd(seg *index.Segment) time.Time {
	end := seg.Start
	for i := range seg.Tracks {
		t := &seg.Tracks[i]
		var d uint64
		for _, f := range t.Frames {
			d += uint64(f.Duration)
		}
		if e := seg.Start.Add(index.TicksToDuration(t.Start+d, t.TimeScale)); e.After(end) {
			end = e
		}
	}
	return end
}

// codecInfo names an MP4 codec the way the index does.
func codecInfo(c mp4.Codec) (index.Kind, string) {
	switch c.(type) {
	case *mp4.CodecH264:
		return index.Video, "H264"
	case *mp4.CodecH265:
		return index.Video, "H265"
	case *mp4.CodecMPEG4Audio:
		return index.Audio, "MPEG4Audio"
	case *mp4.CodecOpus:
		return index.Audio, "Opus"
	case *mp4.CodecLPCM:
		return index.Audio, "LPCM"
	}
	if c != nil && c.IsVideo() {
		return index.Video, fmt.Sprintf("%T", c)
	}
	return index.Audio, fmt.Sprintf("%T", c)
}

func unixNano(ns int64) time.Time { return time.Unix(0, ns).UTC() }
