package export

import (
	"encoding/binary"
	"math"
	"time"

	"github.com/porchlight/porchlight/recorder/index"
)

// movieTimescale is the timescale of mvhd, tkhd and elst durations.
const movieTimescale = 1000

// builder appends MP4 boxes to a byte slice. A box is opened with begin, filled, and closed with end,
// which writes its size.
type builder struct{ b []byte }

func (w *builder) u16(v uint16) { w.b = binary.BigEndian.AppendUint16(w.b, v) }
func (w *builder) u32(v uint32) { w.b = binary.BigEndian.AppendUint32(w.b, v) }
func (w *builder) u64(v uint64) { w.b = binary.BigEndian.AppendUint64(w.b, v) }
func (w *builder) str(s string) { w.b = append(w.b, s...) }
func (w *builder) raw(p []byte) { w.b = append(w.b, p...) }
func (w *builder) zeros(n int)  { w.b = append(w.b, make([]byte, n)...) }
func (w *builder) end(at int)   { binary.BigEndian.PutUint32(w.b[at:], uint32(len(w.b)-at)) }

// begin opens a box and returns where it starts.
func (w *builder) begin(typ string) int {
	at := len(w.b)
	w.u32(0)
	w.str(typ)
	return at
}

// beginFull opens a full box (with version and flags) and returns where it starts.
func (w *builder) beginFull(typ string, version uint8, flags uint32) int {
	at := w.begin(typ)
	w.u32(uint32(version)<<24 | flags)
	return at
}

// time32or64 writes a duration field as 32 or 64 bits, depending on the box version.
func (w *builder) time32or64(v uint64, version uint8) {
	if version == 1 {
		w.u64(v)
	} else {
		w.u32(uint32(v))
	}
}

// versionFor returns the box version a duration needs.
func versionFor(v uint64) uint8 {
	if v > math.MaxUint32 {
		return 1
	}
	return 0
}

var unityMatrix = [9]uint32{0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000}

func (w *builder) matrix() {
	for _, v := range unityMatrix {
		w.u32(v)
	}
}

// buildHeader writes ftyp, moov and the mdat header of a clip of length dur with the mdat laid out in l.
// Chunk offsets become absolute here; co64 is used only when a 32-bit offset cannot hold them.
func buildHeader(tracks []*table, dur time.Duration, l *plan) []byte {
	n := 4096
	for _, t := range tracks {
		n += 4*t.samples + 4*len(t.syncs) + 8*len(t.durs) + 8*len(t.offs) + 20*len(t.chunks) + len(t.entries)
	}
	w := &builder{b: make([]byte, 0, n)}
	ftyp := w.begin("ftyp")
	w.str("isom")
	w.u32(0x200)
	w.str("isomiso2mp41")
	w.end(ftyp)
	ftypLen := len(w.b)

	mdatHdr := int64(8)
	if l.payload+8 > math.MaxUint32 {
		mdatHdr = 16
	}
	movieDur := max(uint64(toTicks(dur, movieTimescale)), 1)
	co64 := false
	tables := w.moov(tracks, movieDur, co64)
	base := int64(len(w.b)) + mdatHdr
	if base+l.payload > math.MaxUint32 {
		co64 = true
		w.b = w.b[:ftypLen]
		tables = w.moov(tracks, movieDur, co64)
		base = int64(len(w.b)) + mdatHdr
	}
	for i, t := range tracks {
		at := tables[i]
		for _, c := range t.chunks {
			if co64 {
				binary.BigEndian.PutUint64(w.b[at:], uint64(c.off+base))
				at += 8
			} else {
				binary.BigEndian.PutUint32(w.b[at:], uint32(c.off+base))
				at += 4
			}
		}
	}
	if mdatHdr == 16 {
		w.u32(1)
		w.str("mdat")
		w.u64(uint64(l.payload + 16))
	} else {
		w.u32(uint32(l.payload + 8))
		w.str("mdat")
	}
	return w.b
}

// moov writes the moov box and returns, per track, where its chunk offset table starts.
func (w *builder) moov(tracks []*table, movieDur uint64, co64 bool) []int {
	moov := w.begin("moov")
	v := versionFor(movieDur)
	mvhd := w.beginFull("mvhd", v, 0)
	w.time32or64(0, v) // creation and modification time: none, so that equal clips are equal bytes
	w.time32or64(0, v)
	w.u32(movieTimescale)
	w.time32or64(movieDur, v)
	w.u32(0x00010000) // rate 1.0
	w.u16(0x0100)     // volume 1.0
	w.zeros(10)
	w.matrix()
	w.zeros(24)
	w.u32(uint32(len(tracks) + 1)) // next track ID
	w.end(mvhd)
	offsets := make([]int, len(tracks))
	for i, t := range tracks {
		offsets[i] = w.trak(t, movieDur, co64)
	}
	w.end(moov)
	return offsets
}

// trak writes one trak box and returns where its chunk offset table starts.
func (w *builder) trak(t *table, movieDur uint64, co64 bool) int {
	video := t.sel.kind == index.Video
	trak := w.begin("trak")
	v := versionFor(movieDur)
	tkhd := w.beginFull("tkhd", v, 3) // enabled, in movie
	w.time32or64(0, v)
	w.time32or64(0, v)
	w.u32(t.id)
	w.u32(0)
	w.time32or64(movieDur, v)
	w.zeros(8)
	w.u16(0) // layer
	if video {
		w.u16(0) // alternate group
		w.u16(0) // volume
	} else {
		w.u16(1)
		w.u16(0x0100)
	}
	w.u16(0)
	w.matrix()
	w.u32(uint32(t.width) << 16)
	w.u32(uint32(t.height) << 16)
	w.end(tkhd)

	w.edts(t, movieDur)

	mdia := w.begin("mdia")
	mediaDur := t.duration()
	mv := versionFor(mediaDur)
	mdhd := w.beginFull("mdhd", mv, 0)
	w.time32or64(0, mv)
	w.time32or64(0, mv)
	w.u32(t.timescale)
	w.time32or64(mediaDur, mv)
	w.u16(0x55c4) // "und"
	w.u16(0)
	w.end(mdhd)
	hdlr := w.beginFull("hdlr", 0, 0)
	w.u32(0)
	if video {
		w.str("vide")
		w.zeros(12)
		w.str("VideoHandler\x00")
	} else {
		w.str("soun")
		w.zeros(12)
		w.str("SoundHandler\x00")
	}
	w.end(hdlr)
	minf := w.begin("minf")
	if video {
		vmhd := w.beginFull("vmhd", 0, 1)
		w.zeros(8)
		w.end(vmhd)
	} else {
		smhd := w.beginFull("smhd", 0, 0)
		w.zeros(4)
		w.end(smhd)
	}
	dinf := w.begin("dinf")
	dref := w.beginFull("dref", 0, 0)
	w.u32(1)
	w.end(w.beginFull("url ", 0, 1)) // media is in this file
	w.end(dref)
	w.end(dinf)
	at := w.stbl(t, co64)
	w.end(minf)
	w.end(mdia)
	w.end(trak)
	return at
}

// edts writes the edit list that starts playback of t at the clip start: one edit into the media at
// mediaTime, after an empty edit when the track begins later than the clip.
func (w *builder) edts(t *table, movieDur uint64) {
	delay := min(uint64(toTicks(t.delay, movieTimescale)), movieDur-1)
	edts := w.begin("edts")
	v := max(versionFor(movieDur), versionFor(uint64(t.mediaTime)))
	elst := w.beginFull("elst", v, 0)
	if delay > 0 {
		w.u32(2)
		w.time32or64(delay, v)
		w.time32or64(math.MaxUint64, v) // media_time -1: empty
		w.u32(0x00010000)               // media rate 1.0
	} else {
		w.u32(1)
	}
	w.time32or64(movieDur-delay, v)
	w.time32or64(uint64(t.mediaTime), v)
	w.u32(0x00010000)
	w.end(elst)
	w.end(edts)
}
