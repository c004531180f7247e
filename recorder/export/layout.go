package export

import (
	"fmt"
	"time"

	"github.com/porchlight/porchlight/recorder/index"
)

// piece is a byte range of a segment file that fills part of the clip.
type piece struct {
	off     int64 // clip offset; relative to the mdat payload until New makes it absolute
	seg     int   // index into the segments given to New
	fileOff int64
	n       int64
}

// plan is the mdat of a clip: the file ranges in order and their total length.
type plan struct {
	pieces  []piece
	payload int64
}

// add appends a file range to the mdat, merging it with the previous one when they touch.
func (p *plan) add(seg int, fileOff, n int64) {
	if k := len(p.pieces) - 1; k >= 0 && p.pieces[k].seg == seg && p.pieces[k].fileOff+p.pieces[k].n == fileOff {
		p.pieces[k].n += n
	} else {
		p.pieces = append(p.pieces, piece{off: p.payload, seg: seg, fileOff: fileOff, n: n})
	}
	p.payload += n
}

// layout fills the sample tables of tracks and lays out the mdat: every (part, track) run of taken
// samples becomes one chunk, in file order, so the mdat reads each segment file front to back.
func layout(segs []*index.Segment, tracks []*table, start time.Time) (*plan, error) {
	p := &plan{}
	next := make([]int, len(tracks)) // next range of each track
	for _, t := range tracks {
		t.fillSamples(segs, start)
	}
	for {
		si := -1
		for i, t := range tracks {
			if next[i] < len(t.ranges) && (si < 0 || t.ranges[next[i]].seg < si) {
				si = t.ranges[next[i]].seg
			}
		}
		if si < 0 {
			return p, nil
		}
		var takes []take
		for i, t := range tracks {
			if next[i] < len(t.ranges) && t.ranges[next[i]].seg == si {
				takes = append(takes, take{t, &t.ranges[next[i]]})
				next[i]++
			}
		}
		if err := p.segment(segs[si], si, takes); err != nil {
			return nil, fmt.Errorf("export: segment %d (%s): %w", segs[si].ID, segs[si].File, err)
		}
	}
}

// take is the range one output track takes from the segment being laid out.
type take struct {
	t *table
	r *segRange
}

// segment lays out the chunks that takes need from one segment, walking its parts.
func (p *plan) segment(seg *index.Segment, si int, takes []take) error {
	next := make([]int, len(seg.Tracks)) // first frame of each track in the current part
	for pi := range seg.Parts {
		part := &seg.Parts[pi]
		if len(part.Counts) != len(seg.Tracks) {
			return fmt.Errorf("part %d has %d counts for %d tracks: %w", pi, len(part.Counts),
				len(seg.Tracks), ErrBadIndex)
		}
		off := part.DataOffset()
		for ti := range seg.Tracks {
			frames := seg.Tracks[ti].Frames
			c0, c1 := next[ti], next[ti]+int(part.Counts[ti])
			if c1 > len(frames) {
				return fmt.Errorf("part %d counts more frames than track %d has: %w", pi, ti, ErrBadIndex)
			}
			for _, tk := range takes {
				lo, hi := max(c0, tk.r.lo), min(c1, tk.r.hi)
				if tk.r.track != ti || lo >= hi {
					continue
				}
				skip, n := sizeOf(frames[c0:lo]), sizeOf(frames[lo:hi])
				tk.t.chunks = append(tk.t.chunks, chunk{off: p.payload, count: uint32(hi - lo), sdi: tk.r.sdi})
				if seg.Size > 0 && off+skip+n > seg.Size {
					return fmt.Errorf("part %d runs past the file size %d: %w", pi, seg.Size, ErrBadIndex)
				}
				p.add(si, off+skip, n)
			}
			off += sizeOf(frames[c0:c1])
			next[ti] = c1
		}
	}
	for _, tk := range takes {
		if next[tk.r.track] < tk.r.hi {
			return fmt.Errorf("parts hold %d of %d frames of track %d: %w", next[tk.r.track],
				len(seg.Tracks[tk.r.track].Frames), tk.r.track, ErrBadIndex)
		}
	}
	return nil
}

// sizeOf sums the sizes of frames.
func sizeOf(frames []index.Frame) int64 {
	var n int64
	for _, f := range frames {
		n += int64(f.Size)
	}
	return n
}
