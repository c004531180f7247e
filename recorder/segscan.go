package recorder

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/bluenviron/mediacommon/v2/pkg/formats/fmp4"

	"github.com/porchlight/porchlight/recorder/index"
)

// errBadSegment wraps every reason a segment file cannot be read back.
var errBadSegment = errors.New("bad segment file")

// maxBox bounds the boxes the scanner loads into memory (moov, moof, free).
const maxBox = 16 << 20

// scanResult is what a scan of a segment file recovered.
type scanResult struct {
	meta  segMeta
	seg   *index.Segment // Size = bytes up to the end of the last complete part
	torn  bool           // bytes after the last complete part (a torn tail) were found
	total int64          // file size
}

type boxHeader struct {
	typ  string
	off  int64
	size int64 // whole box, header included
	hdr  int64 // header length (8 or 16)
}

// readBoxHeader reads the box header at off. It returns io.ErrUnexpectedEOF for a header cut short.
func readBoxHeader(r io.ReaderAt, off, end int64) (boxHeader, error) {
	var b [16]byte
	if end-off < 8 {
		return boxHeader{}, io.ErrUnexpectedEOF
	}
	if _, err := r.ReadAt(b[:8], off); err != nil {
		return boxHeader{}, err
	}
	h := boxHeader{typ: string(b[4:8]), off: off, size: int64(binary.BigEndian.Uint32(b[:4])), hdr: 8}
	if h.size == 1 {
		if end-off < 16 {
			return boxHeader{}, io.ErrUnexpectedEOF
		}
		if _, err := r.ReadAt(b[8:16], off+8); err != nil {
			return boxHeader{}, err
		}
		h.size, h.hdr = int64(binary.BigEndian.Uint64(b[8:16])), 16
	}
	if h.size < h.hdr {
		return boxHeader{}, fmt.Errorf("%w: box %q at %d has size %d", errBadSegment, h.typ, off, h.size)
	}
	if off+h.size > end {
		return boxHeader{}, io.ErrUnexpectedEOF
	}
	return h, nil
}

func readBox(r io.ReaderAt, h boxHeader) ([]byte, error) {
	if h.size > maxBox {
		return nil, fmt.Errorf("%w: %s box of %d bytes", errBadSegment, h.typ, h.size)
	}
	b := make([]byte, h.size)
	_, err := r.ReadAt(b, h.off)
	return b, err
}

// scanSegment reads a segment file's init and walks its moof chain, rebuilding the index record of every
// complete part. A part cut short by a crash (the torn tail) is reported, not an error.
func scanSegment(r io.ReaderAt, size int64) (*scanResult, error) {
	res := &scanResult{total: size}
	var off int64
	var initEnd int64
	var moov []byte
	var haveMeta bool
	// The init: ftyp, moov, free(meta), up to the first moof.
	for {
		h, err := readBoxHeader(r, off, size)
		if err != nil {
			if errors.Is(err, io.ErrUnexpectedEOF) {
				return nil, fmt.Errorf("%w: init cut short at %d", errBadSegment, off)
			}
			return nil, err
		}
		if h.typ == "moof" {
			break
		}
		switch h.typ {
		case "ftyp":
			if off != 0 {
				return nil, fmt.Errorf("%w: ftyp not first", errBadSegment)
			}
		case "moov":
			if moov, err = readBox(r, h); err != nil {
				return nil, err
			}
		case "free":
			b, err := readBox(r, h)
			if err != nil {
				return nil, err
			}
			if err := json.Unmarshal(b[h.hdr:], &res.meta); err == nil && res.meta.Version == segMetaVersion {
				haveMeta = true
			}
		}
		off += h.size
		initEnd = off
		if off == size {
			break
		}
	}
	if moov == nil || !haveMeta {
		return nil, fmt.Errorf("%w: no moov or meta box", errBadSegment)
	}
	seg, ids, err := initSegment(r, initEnd, res.meta)
	if err != nil {
		return nil, err
	}
	res.seg = seg
	// The parts.
	for off < size {
		moofH, err := readBoxHeader(r, off, size)
		if err != nil || moofH.typ != "moof" {
			res.torn = true
			break
		}
		mdatH, err := readBoxHeader(r, off+moofH.size, size)
		if err != nil || mdatH.typ != "mdat" || mdatH.hdr != 8 {
			res.torn = true
			break
		}
		moof, err := readBox(r, moofH)
		if err != nil {
			return nil, err
		}
		lens := make([]int, len(seg.Tracks))
		for i := range seg.Tracks {
			lens[i] = len(seg.Tracks[i].Frames)
		}
		if err := addPart(seg, ids, moof, off, mdatH.size-8); err != nil {
			// A malformed part ends what can be trusted: keep the parts before it, like a torn tail.
			for i := range seg.Tracks {
				seg.Tracks[i].Frames = seg.Tracks[i].Frames[:lens[i]]
			}
			res.torn = true
			break
		}
		off += moofH.size + mdatH.size
	}
	seg.Size = off
	seg.End = segmentEnd(seg)
	return res, nil
}

// initSegment parses the init bytes into a Segment with tracks and no frames. ids maps track ID to index.
func initSegment(r io.ReaderAt, initEnd int64, meta segMeta) (*index.Segment, map[uint32]int, error) {
	b := make([]byte, initEnd)
	if _, err := r.ReadAt(b, 0); err != nil {
		return nil, nil, err
	}
	var init fmp4.Init
	if err := init.Unmarshal(bytes.NewReader(b)); err != nil {
		return nil, nil, fmt.Errorf("%w: init: %v", errBadSegment, err)
	}
	seg := &index.Segment{ID: meta.ID, Run: meta.Run, InitSize: uint32(initEnd), Size: initEnd}
	seg.Start = unixNano(meta.Start)
	seg.End = seg.Start
	ids := make(map[uint32]int)
	for i, t := range init.Tracks {
		kind, codec := codecInfo(t.Codec)
		seg.Tracks = append(seg.Tracks, index.Track{ID: uint32(t.ID), Kind: kind, Codec: codec, TimeScale: t.TimeScale})
		ids[uint32(t.ID)] = i
	}
	return seg, ids, nil
}
