package export

import (
	"math"
	"time"

	"github.com/porchlight/porchlight/recorder/index"
)

// segRange is a run of consecutive frames [lo, hi) of one track of one segment that a clip takes.
type segRange struct {
	seg, track int
	lo, hi     int
	sdi        uint32 // 1-based sample description index in the output stsd
}

// chunk is one chunk of an output track: a run of samples contiguous in the mdat.
type chunk struct {
	off   int64 // from the start of the mdat payload until buildHeader makes it absolute
	count uint32
	sdi   uint32
}

// table is the sample table of one output track.
type table struct {
	sel       *trackSel
	id        uint32
	ranges    []segRange
	timescale uint32 // of the first segment's track; later segments are rescaled to it

	entries       []byte // sample entries of the stsd, concatenated
	entryCount    uint32
	width, height uint16 // from the first visual sample entry

	sizes     []uint32
	durs      []uint32
	offs      []int32  // composition offsets; nil while all are zero
	syncs     []uint32 // 1-based numbers of the sync samples; nil while every sample is one
	chunks    []chunk
	mediaTime int64         // edit list media_time: where playback begins, in timescale
	delay     time.Duration // from the clip start to the first sample, when the track begins later
}

// ranges lists the per-segment frame runs of a selection, in order.
func (s *trackSel) ranges(segs []*index.Segment) []segRange {
	out := make([]segRange, 0, s.last.r-s.from.r+1)
	for r := s.from.r; r <= s.last.r; r++ {
		ref := s.refs[r]
		lo, hi := 0, len(segs[ref.seg].Tracks[ref.track].Frames)
		if r == s.from.r {
			lo = s.from.f
		}
		if r == s.last.r {
			hi = s.last.f + 1
		}
		if lo < hi {
			out = append(out, segRange{seg: ref.seg, track: ref.track, lo: lo, hi: hi})
		}
	}
	return out
}

// fillSamples fills sizes, durations, composition offsets and sync samples. Frames inside a segment keep
// their durations; the first frame of every later segment is put at its wall time by stretching (or
// shortening, down to half its length) the sample before it, which bridges gaps in the recording. Half
// a frame is the floor because a near-zero duration makes players see two frames at one time; the
// recorder keeps segments of a run contiguous, so real overlaps are far smaller than that.
func (t *table) fillSamples(segs []*index.Segment, start time.Time) {
	n := 0
	for _, r := range t.ranges {
		n += r.hi - r.lo
	}
	t.sizes = make([]uint32, 0, n)
	t.durs = make([]uint32, 0, n)
	var dts int64 // decode time of the next sample
	for i, r := range t.ranges {
		seg := segs[r.seg]
		tr := &seg.Tracks[r.track]
		ticks := tr.Start
		for _, f := range tr.Frames[:r.lo] {
			ticks += uint64(f.Duration)
		}
		if i > 0 {
			target := toTicks(wall(seg, tr, ticks).Sub(t.sel.origin), t.timescale)
			last := len(t.durs) - 1
			prev := dts - int64(t.durs[last])
			d := min(max(target-prev, max(int64(t.durs[last])/2, 1)), math.MaxUint32)
			t.durs[last] = uint32(d)
			dts = prev + d
		}
		var cum uint64 // ticks of the source track since frame lo
		for _, f := range tr.Frames[r.lo:r.hi] {
			d, off := f.Duration, f.PTSOffset
			if tr.TimeScale != t.timescale {
				d = uint32(rescale(cum+uint64(f.Duration), tr.TimeScale, t.timescale) -
					rescale(cum, tr.TimeScale, t.timescale))
				off = int32(int64(off) * int64(t.timescale) / int64(tr.TimeScale))
			}
			cum += uint64(f.Duration)
			if off != 0 && t.offs == nil {
				t.offs = make([]int32, len(t.sizes), n)
			}
			if t.offs != nil {
				t.offs = append(t.offs, off)
			}
			switch {
			case !f.Key && t.syncs == nil:
				t.syncs = make([]uint32, len(t.sizes), len(t.sizes)+64)
				for k := range t.syncs {
					t.syncs[k] = uint32(k + 1)
				}
			case f.Key && t.syncs != nil:
				t.syncs = append(t.syncs, uint32(len(t.sizes)+1))
			}
			t.sizes = append(t.sizes, f.Size)
			t.durs = append(t.durs, d)
			dts += int64(d)
		}
	}
	if t.sel.origin.After(start) {
		t.delay = t.sel.origin.Sub(start) // an empty edit holds the track back
	} else {
		t.mediaTime = toTicks(start.Sub(t.sel.origin), t.timescale)
	}
}

// duration sums the sample durations in the track's timescale.
func (t *table) duration() uint64 {
	var d uint64
	for _, v := range t.durs {
		d += uint64(v)
	}
	return d
}

// toTicks converts d to ticks of timescale, rounding to nearest, without overflow for any clip length.
func toTicks(d time.Duration, timescale uint32) int64 {
	sec, rem := int64(d/time.Second), int64(d%time.Second)
	return sec*int64(timescale) + (rem*int64(timescale)+int64(time.Second/2))/int64(time.Second)
}

// rescale converts ticks from one timescale to another, rounding down.
func rescale(ticks uint64, from, to uint32) uint64 {
	return ticks/uint64(from)*uint64(to) + ticks%uint64(from)*uint64(to)/uint64(from)
}
