package export

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/porchlight/porchlight/recorder/index"
)

// readSampleEntries reads the init of every segment the tracks use, once, and gives each track the
// distinct sample entries of its segments and each of its ranges the index of its entry.
func readSampleEntries(segs []*index.Segment, tracks []*table, open Opener) error {
	type use struct {
		t int // index in tracks
		r *segRange
	}
	bySeg := map[int][]use{}
	for ti, t := range tracks {
		t.ranges = t.sel.ranges(segs)
		first := t.ranges[0]
		t.timescale = segs[first.seg].Tracks[first.track].TimeScale
		for i := range t.ranges {
			r := &t.ranges[i]
			bySeg[r.seg] = append(bySeg[r.seg], use{ti, r})
		}
	}
	order := make([]int, 0, len(bySeg))
	for si := range bySeg {
		order = append(order, si)
	}
	slices.Sort(order)
	known := make([]map[string]uint32, len(tracks))
	for i := range known {
		known[i] = map[string]uint32{}
	}
	for _, si := range order {
		seg := segs[si]
		init, err := readInit(seg, open)
		if err != nil {
			return err
		}
		for _, u := range bySeg[si] {
			ti, r, t := u.t, u.r, tracks[u.t]
			if seg.Tracks[r.track].TimeScale == 0 {
				return fmt.Errorf("export: segment %d (%s): track %d has no timescale: %w", seg.ID, seg.File,
					seg.Tracks[r.track].ID, ErrBadIndex)
			}
			entries, count, err := findSampleEntries(init, seg.Tracks[r.track].ID)
			if err != nil {
				return fmt.Errorf("export: segment %d (%s): track %d: %w", seg.ID, seg.File,
					seg.Tracks[r.track].ID, err)
			}
			sdi, ok := known[ti][string(entries)]
			if !ok {
				sdi = t.entryCount + 1
				known[ti][string(entries)] = sdi
				if t.entryCount == 0 && t.sel.kind == index.Video && len(entries) >= 36 {
					t.width = binary.BigEndian.Uint16(entries[32:])
					t.height = binary.BigEndian.Uint16(entries[34:])
				}
				t.entries = append(t.entries, entries...)
				t.entryCount += count
			}
			// Fragments use the first entry of their init (trex default_sample_description_index 1).
			r.sdi = sdi
		}
	}
	return nil
}

// readInit reads the ftyp+moov at the start of a segment file.
func readInit(seg *index.Segment, open Opener) ([]byte, error) {
	f, err := open(seg)
	if err != nil {
		return nil, fmt.Errorf("export: open segment %d (%s): %w", seg.ID, seg.File, err)
	}
	defer f.Close()
	buf := make([]byte, seg.InitSize)
	n, err := f.ReadAt(buf, 0)
	if n < len(buf) {
		if err == nil || errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return nil, fmt.Errorf("export: read init of segment %d (%s): %w", seg.ID, seg.File, err)
	}
	return buf, nil
}

// findSampleEntries returns the sample entries inside moov/trak/mdia/minf/stbl/stsd of the track with
// trackID, and how many there are.
func findSampleEntries(init []byte, trackID uint32) ([]byte, uint32, error) {
	moov, ok := child(init, "moov")
	if !ok {
		return nil, 0, fmt.Errorf("no moov: %w", ErrBadIndex)
	}
	for typ, trak := range boxes(moov) {
		if typ != "trak" {
			continue
		}
		tkhd, ok := child(trak, "tkhd")
		if !ok || len(tkhd) < 24 {
			return nil, 0, fmt.Errorf("trak without tkhd: %w", ErrBadIndex)
		}
		at := 12 // version 0: version/flags, creation and modification time (32 bit)
		if tkhd[0] == 1 {
			at = 20
		}
		if binary.BigEndian.Uint32(tkhd[at:]) != trackID {
			continue
		}
		b := trak
		for _, typ := range []string{"mdia", "minf", "stbl", "stsd"} {
			if b, ok = child(b, typ); !ok {
				return nil, 0, fmt.Errorf("trak without %s: %w", typ, ErrBadIndex)
			}
		}
		if len(b) < 8 {
			return nil, 0, fmt.Errorf("short stsd: %w", ErrBadIndex)
		}
		return b[8:], binary.BigEndian.Uint32(b[4:]), nil
	}
	return nil, 0, fmt.Errorf("no trak with this ID: %w", ErrBadIndex)
}

// child returns the payload of the first box of type typ in b.
func child(b []byte, typ string) ([]byte, bool) {
	for t, payload := range boxes(b) {
		if t == typ {
			return payload, true
		}
	}
	return nil, false
}

// boxes iterates over the boxes in b, yielding type and payload; it stops at the first malformed header.
func boxes(b []byte) func(yield func(string, []byte) bool) {
	return func(yield func(string, []byte) bool) {
		for len(b) >= 8 {
			size, hdr := uint64(binary.BigEndian.Uint32(b)), uint64(8)
			typ := string(b[4:8])
			switch size {
			case 0:
				size = uint64(len(b))
			case 1:
				if len(b) < 16 {
					return
				}
				size, hdr = binary.BigEndian.Uint64(b[8:]), 16
			}
			if size < hdr || size > uint64(len(b)) {
				return
			}
			if !yield(typ, b[hdr:size]) {
				return
			}
			b = b[size:]
		}
	}
}
