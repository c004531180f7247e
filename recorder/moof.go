package recorder

import (
	"encoding/binary"

	"github.com/porchlight/porchlight/recorder/index"
)

// partTrack is one track's samples in a part.
type partTrack struct {
	id     uint32
	base   uint64 // tfdt: segment-relative media time of the first sample
	frames []index.Frame
}

// appendMoof appends the moof box of a part and the header of its mdat to dst. The sample bytes follow
// the mdat header, track after track, in the order of tracks; writing them with writev right after this
// header makes the part without copying media. Tracks without samples get no traf. The layout is the one
// mediacommon's fmp4.Part writes (tfhd default-base-is-moof, tfdt v1, trun v1), which segscan parses.
func appendMoof(dst []byte, seq uint32, tracks []partTrack) []byte {
	start := len(dst)
	dst = boxStart(dst, "moof")
	mfhd := len(dst)
	dst = boxStart(dst, "mfhd")
	dst = binary.BigEndian.AppendUint32(dst, 0) // version, flags
	dst = binary.BigEndian.AppendUint32(dst, seq)
	boxEnd(dst, mfhd)
	type fix struct{ at, data int }
	var fixes []fix
	data := 0
	for _, t := range tracks {
		if len(t.frames) == 0 {
			continue
		}
		traf := len(dst)
		dst = boxStart(dst, "traf")
		tfhd := len(dst)
		dst = boxStart(dst, "tfhd")
		dst = binary.BigEndian.AppendUint32(dst, 0x020000) // default-base-is-moof
		dst = binary.BigEndian.AppendUint32(dst, t.id)
		boxEnd(dst, tfhd)
		tfdt := len(dst)
		dst = boxStart(dst, "tfdt")
		dst = binary.BigEndian.AppendUint32(dst, 1<<24) // version 1
		dst = binary.BigEndian.AppendUint64(dst, t.base)
		boxEnd(dst, tfdt)
		flags := uint32(0x1 | 0x100 | 0x200)
		for _, f := range t.frames {
			if !f.Key {
				flags |= 0x400
			}
			if f.PTSOffset != 0 {
				flags |= 0x800
			}
		}
		trun := len(dst)
		dst = boxStart(dst, "trun")
		dst = binary.BigEndian.AppendUint32(dst, 1<<24|flags)
		dst = binary.BigEndian.AppendUint32(dst, uint32(len(t.frames)))
		fixes = append(fixes, fix{at: len(dst), data: data})
		dst = binary.BigEndian.AppendUint32(dst, 0) // data offset, set below
		for _, f := range t.frames {
			dst = binary.BigEndian.AppendUint32(dst, f.Duration)
			dst = binary.BigEndian.AppendUint32(dst, f.Size)
			if flags&0x400 != 0 {
				var sf uint32
				if !f.Key {
					sf = 0x10000 // sample_is_non_sync_sample
				}
				dst = binary.BigEndian.AppendUint32(dst, sf)
			}
			if flags&0x800 != 0 {
				dst = binary.BigEndian.AppendUint32(dst, uint32(f.PTSOffset))
			}
			data += int(f.Size)
		}
		boxEnd(dst, trun)
		boxEnd(dst, traf)
	}
	boxEnd(dst, start)
	moofSize := len(dst) - start
	for _, f := range fixes {
		binary.BigEndian.PutUint32(dst[f.at:], uint32(moofSize+8+f.data))
	}
	dst = binary.BigEndian.AppendUint32(dst, uint32(8+data))
	return append(dst, "mdat"...)
}

func boxStart(dst []byte, typ string) []byte {
	dst = binary.BigEndian.AppendUint32(dst, 0)
	return append(dst, typ...)
}

// boxEnd writes the size of the box that starts at off.
func boxEnd(dst []byte, off int) {
	binary.BigEndian.PutUint32(dst[off:], uint32(len(dst)-off))
}
