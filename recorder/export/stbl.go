package export

import "encoding/binary"

// stbl writes the sample table of t and returns where its chunk offset table starts; the offsets are
// left zero for buildHeader to fill in.
func (w *builder) stbl(t *table, co64 bool) int {
	stbl := w.begin("stbl")

	stsd := w.beginFull("stsd", 0, 0)
	w.u32(t.entryCount)
	w.raw(t.entries)
	w.end(stsd)

	stts := w.beginFull("stts", 0, 0)
	w.runs(t.durs)
	w.end(stts)

	if t.syncs != nil {
		stss := w.beginFull("stss", 0, 0)
		w.u32(uint32(len(t.syncs)))
		for _, n := range t.syncs {
			w.u32(n)
		}
		w.end(stss)
	}

	if t.offs != nil {
		version := uint8(0)
		for _, o := range t.offs {
			if int32(o.value) < 0 {
				version = 1
				break
			}
		}
		ctts := w.beginFull("ctts", version, 0)
		w.runs(t.offs)
		w.end(ctts)
	}

	stsc := w.beginFull("stsc", 0, 0)
	count := len(w.b)
	w.u32(0)
	var runs uint32
	for i, c := range t.chunks {
		if i > 0 && c.count == t.chunks[i-1].count && c.sdi == t.chunks[i-1].sdi {
			continue
		}
		w.u32(uint32(i + 1))
		w.u32(c.count)
		w.u32(c.sdi)
		runs++
	}
	binary.BigEndian.PutUint32(w.b[count:], runs)
	w.end(stsc)

	stsz := w.beginFull("stsz", 0, 0)
	w.u32(0) // sizes differ: one entry per sample
	w.u32(uint32(t.samples))
	for _, r := range t.ranges {
		for _, f := range t.segs[r.seg].Tracks[r.track].Frames[r.lo:r.hi] {
			w.u32(f.Size)
		}
	}
	w.end(stsz)

	var at int
	if co64 {
		box := w.beginFull("co64", 0, 0)
		w.u32(uint32(len(t.chunks)))
		at = len(w.b)
		w.zeros(8 * len(t.chunks))
		w.end(box)
	} else {
		box := w.beginFull("stco", 0, 0)
		w.u32(uint32(len(t.chunks)))
		at = len(w.b)
		w.zeros(4 * len(t.chunks))
		w.end(box)
	}
	w.end(stbl)
	return at
}

// runs writes the entry count and the entries of an stts or ctts box.
func (w *builder) runs(runs []run) {
	w.u32(uint32(len(runs)))
	for _, r := range runs {
		w.u32(r.count)
		w.u32(r.value)
	}
}
