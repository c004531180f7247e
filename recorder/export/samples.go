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

	// The per-sample tables are kept run-length coded, as stts and ctts store them, and the sizes are
	// read from the index records when stsz is written: a clip's memory grows with its runs and
	// chunks, not with every sample.
	segs      []*index.Segment // the records ranges refer to
	samples   int
	dur       uint64   // sum of the durations
	durs      []run    // sample durations
	offs      []run    // composition offsets (int32 bits); nil while all are zero
	syncs     []uint32 // 1-based numbers of the sync samples; nil while every sample is one
	chunks    []chunk
	mediaTime int64         // edit list media_time: where playback begins, in timescale
	delay     time.Duration // from the clip start to the first sample, when the track begins later
}

// run is count consecutive samples with one value: a duration (stts) or a composition offset (ctts).
type run struct{ count, value uint32 }

// appendRun adds a sample with value v to runs.
func appendRun(runs []run, v uint32) []run {
	if n := len(runs); n > 0 && runs[n-1].value == v {
		runs[n-1].count++
		return runs
	}
	return append(runs, run{1, v})
}

// setLastDur changes the duration of the last sample to d.
func (t *table) setLastDur(d uint32) {
	n := len(t.durs)
	last := &t.durs[n-1]
	if last.value == d {
		return
	}
	t.dur = t.dur - uint64(last.value) + uint64(d)
	if last.count > 1 {
		last.count--
		t.durs = append(t.durs, run{1, d})
		return
	}
	if n > 1 && t.durs[n-2].value == d {
		t.durs[n-2].count++
		t.durs = t.durs[:n-1]
		return
	}
	last.value = d
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
	t.segs = segs
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
			last := int64(t.durs[len(t.durs)-1].value)
			prev := dts - last
			d := min(max(target-prev, max(last/2, 1)), math.MaxUint32)
			t.setLastDur(uint32(d))
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
				t.offs = []run{}
				if t.samples > 0 {
					t.offs = append(t.offs, run{uint32(t.samples), 0})
				}
			}
			if t.offs != nil {
				t.offs = appendRun(t.offs, uint32(off))
			}
			switch {
			case !f.Key && t.syncs == nil:
				t.syncs = make([]uint32, t.samples, t.samples+64)
				for k := range t.syncs {
					t.syncs[k] = uint32(k + 1)
				}
			case f.Key && t.syncs != nil:
				t.syncs = append(t.syncs, uint32(t.samples+1))
			}
			t.samples++
			t.durs = appendRun(t.durs, d)
			t.dur += uint64(d)
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
func (t *table) duration() uint64 { return t.dur }

// toTicks converts d to ticks of timescale, rounding to nearest, without overflow for any clip length.
func toTicks(d time.Duration, timescale uint32) int64 {
	sec, rem := int64(d/time.Second), int64(d%time.Second)
	return sec*int64(timescale) + (rem*int64(timescale)+int64(time.Second/2))/int64(time.Second)
}

// rescale converts ticks from one timescale to another, rounding down.
func rescale(ticks uint64, from, to uint32) uint64 {
	return ticks/uint64(from)*uint64(to) + ticks%uint64(from)*uint64(to)/uint64(from)
}
