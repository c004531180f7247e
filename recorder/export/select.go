package export

import (
	"fmt"
	"time"

	"github.com/porchlight/porchlight/recorder/index"
)

// trackRef names the first track of one kind in one segment.
type trackRef struct{ seg, track int }

// pos is frame f of refs[r].
type pos struct{ r, f int }

// trackSel is what one output track takes: frame from.f of refs[from.r] through frame last.f of
// refs[last.r], both inclusive.
type trackSel struct {
	kind       index.Kind
	refs       []trackRef
	from, last pos
	origin     time.Time // wall time of the first frame taken
}

// selection is the plan of a clip in time: the clamped range and the frames of each output track.
type selection struct {
	start, end time.Time
	tracks     []trackSel // the video track first, if any
}

// selectRange decides which frames of segs make the clip of [start, end).
func selectRange(segs []*index.Segment, start, end time.Time) (*selection, error) {
	video, audio := refsOf(segs, index.Video), refsOf(segs, index.Audio)
	primary, kind := video, index.Video
	if len(video) == 0 {
		primary, kind = audio, index.Audio
	}
	first, a0, ok := firstOverlap(segs, primary, start, end)
	if !ok {
		return nil, fmt.Errorf("export: %s..%s: %w", start.Format(time.RFC3339Nano),
			end.Format(time.RFC3339Nano), ErrNoFrames)
	}
	last, b1, _ := lastOverlap(segs, primary, start, end)
	sel := &selection{start: start, end: end}
	if a0.After(start) {
		sel.start = a0
	}
	if b1.Before(end) {
		sel.end = b1
	}
	p := trackSel{kind: kind, refs: primary, from: first, last: last}
	if kind == index.Video {
		k, ok := keyAtOrBefore(segs, primary, first)
		if !ok {
			// The stream opens without a keyframe: begin at the first one instead.
			if k, ok = keyAfter(segs, primary, first, last); !ok {
				return nil, fmt.Errorf("export: %s..%s: no keyframe: %w", start.Format(time.RFC3339Nano),
					end.Format(time.RFC3339Nano), ErrNoFrames)
			}
			sel.start = frameStart(segs, primary[k.r], k.f)
		}
		p.from = k
	}
	p.origin = frameStart(segs, primary[p.from.r], p.from.f)
	sel.tracks = append(sel.tracks, p)
	if kind == index.Video {
		if f, a, ok := firstOverlap(segs, audio, sel.start, sel.end); ok {
			l, _, _ := lastOverlap(segs, audio, sel.start, sel.end)
			sel.tracks = append(sel.tracks, trackSel{kind: index.Audio, refs: audio, from: f, last: l, origin: a})
		}
	}
	return sel, nil
}

// refsOf lists, in order, the first track of kind in each segment that has one.
func refsOf(segs []*index.Segment, kind index.Kind) []trackRef {
	var refs []trackRef
	for si, seg := range segs {
		if seg == nil {
			continue
		}
		for ti := range seg.Tracks {
			if seg.Tracks[ti].Kind == kind {
				refs = append(refs, trackRef{seg: si, track: ti})
				break
			}
		}
	}
	return refs
}

// wall is the wall time of media time ticks (in the track's timescale, from the segment start).
func wall(seg *index.Segment, tr *index.Track, ticks uint64) time.Time {
	return seg.Start.Add(index.TicksToDuration(ticks, tr.TimeScale))
}

// frameStart is the wall time at which frame f of ref begins.
func frameStart(segs []*index.Segment, ref trackRef, f int) time.Time {
	seg := segs[ref.seg]
	tr := &seg.Tracks[ref.track]
	ticks := tr.Start
	for _, fr := range tr.Frames[:f] {
		ticks += uint64(fr.Duration)
	}
	return wall(seg, tr, ticks)
}

// trackEnd is the wall time at which the last frame of ref ends.
func trackEnd(segs []*index.Segment, ref trackRef) time.Time {
	tr := &segs[ref.seg].Tracks[ref.track]
	return frameStart(segs, ref, len(tr.Frames))
}

// firstOverlap finds the first frame that overlaps [s, e) and the wall time it begins.
func firstOverlap(segs []*index.Segment, refs []trackRef, s, e time.Time) (pos, time.Time, bool) {
	for r, ref := range refs {
		seg := segs[ref.seg]
		if !trackEnd(segs, ref).After(s) {
			continue
		}
		tr := &seg.Tracks[ref.track]
		ticks := tr.Start
		a := wall(seg, tr, ticks)
		for f, fr := range tr.Frames {
			if !a.Before(e) {
				return pos{}, time.Time{}, false
			}
			ticks += uint64(fr.Duration)
			b := wall(seg, tr, ticks)
			if b.After(s) {
				return pos{r, f}, a, true
			}
			a = b
		}
	}
	return pos{}, time.Time{}, false
}

// lastOverlap finds the last frame that overlaps [s, e) and the wall time it ends.
func lastOverlap(segs []*index.Segment, refs []trackRef, s, e time.Time) (pos, time.Time, bool) {
	for r := len(refs) - 1; r >= 0; r-- {
		seg := segs[refs[r].seg]
		tr := &seg.Tracks[refs[r].track]
		if !wall(seg, tr, tr.Start).Before(e) {
			continue
		}
		found, end := -1, time.Time{}
		ticks := tr.Start
		a := wall(seg, tr, ticks)
		for f, fr := range tr.Frames {
			if !a.Before(e) {
				break
			}
			ticks += uint64(fr.Duration)
			b := wall(seg, tr, ticks)
			if b.After(s) {
				found, end = f, b
			}
			a = b
		}
		if found >= 0 {
			return pos{r, found}, end, true
		}
		if !a.After(s) {
			break // this ref ends before s, and so do the earlier ones
		}
	}
	return pos{}, time.Time{}, false
}

// keyAtOrBefore finds the last keyframe at or before p, looking back into earlier segments.
func keyAtOrBefore(segs []*index.Segment, refs []trackRef, p pos) (pos, bool) {
	for r := p.r; r >= 0; r-- {
		frames := segs[refs[r].seg].Tracks[refs[r].track].Frames
		f := len(frames) - 1
		if r == p.r {
			f = p.f
		}
		for ; f >= 0; f-- {
			if frames[f].Key {
				return pos{r, f}, true
			}
		}
	}
	return pos{}, false
}

// keyAfter finds the first keyframe after p, up to and including last.
func keyAfter(segs []*index.Segment, refs []trackRef, p, last pos) (pos, bool) {
	for r := p.r; r <= last.r; r++ {
		frames := segs[refs[r].seg].Tracks[refs[r].track].Frames
		f, to := 0, len(frames)-1
		if r == p.r {
			f = p.f + 1
		}
		if r == last.r {
			to = last.f
		}
		for ; f <= to; f++ {
			if frames[f].Key {
				return pos{r, f}, true
			}
		}
	}
	return pos{}, false
}
