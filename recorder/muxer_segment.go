package recorder

import (
	"time"

	"github.com/bluenviron/mediacommon/v2/pkg/formats/fmp4"

	"github.com/porchlight/porchlight/recorder/index"
)

// maxSegmentSlew bounds how far a segment's start may move from where the previous segment of its run
// ended, as a fraction of that segment's length (1000 ppm). Within a run segments stay contiguous; the
// clock's drift correction reaches the index through this bounded slew.
const maxSegmentSlew = 1e-3

// startSegment opens a new segment whose media time 0 is the keyframe at wall.
func (m *muxer) startSegment(wall time.Time) {
	id := m.ids.next()
	clock := wall
	if m.newRun {
		m.run, m.newRun = id, false
	} else if !m.prevEnd.IsZero() {
		lim := time.Duration(float64(m.segDur) * maxSegmentSlew)
		wall = m.prevEnd.Add(min(max(wall.Sub(m.prevEnd), -lim), lim))
	}
	var inits []*fmp4.InitTrack
	var tracks []index.Track
	for i, t := range m.tracks {
		t.started, t.base, t.payloads, t.frames = false, 0, t.payloads[:0], t.frames[:0]
		inits = append(inits, &fmp4.InitTrack{ID: i + 1, TimeScale: t.spec.rate, Codec: t.spec.params})
		tracks = append(tracks, index.Track{ID: uint32(i + 1), Kind: t.spec.kind, Codec: t.spec.codec, TimeScale: t.spec.rate})
	}
	m.video.started = true
	meta := segMeta{Version: segMetaVersion, Stream: m.stream, ID: id, Run: m.run, Start: wall.UnixNano()}
	init, err := marshalInit(inits, meta)
	if err != nil {
		m.stats.setError(err)
		return
	}
	m.seg = &openSegment{id: id, start: wall, clock: clock}
	m.partStart, m.partKey, m.partFrames, m.partSeq = wall, true, 0, 0
	rec := &index.Segment{ID: id, Run: m.run, Start: wall, End: wall, File: segFileName(id),
		InitSize: uint32(len(init)), Size: int64(len(init)), Tracks: tracks}
	m.queue.pushControl(queueItem{start: rec, data: init})
	m.hub.startSegment(rec, init, mimeType(m.tracks))
}

// endSegment closes the open segment, if any, after flushing what is pending.
func (m *muxer) endSegment() {
	if m.seg == nil {
		return
	}
	for _, t := range m.tracks {
		if t.pending != nil && t != m.video {
			m.appendSample(t, t.lastDur)
		}
	}
	// A pending video frame at this point has no successor in this segment: give it the last duration.
	if m.video.pending != nil {
		m.appendSample(m.video, m.video.lastDur)
	}
	m.flushPart()
	m.liveEnded() // live viewers got every part, even if the disk drops them
	m.pushBatch()
	if m.seg != nil { // pushBatch drops the segment when the disk is behind
		m.prevEnd = m.seg.start.Add(index.TicksToDuration(m.video.base, m.video.spec.rate))
	}
	m.queue.pushControl(queueItem{end: true})
	m.seg = nil
}

// flushPart turns the frames gathered since the last part into one moof+mdat: a small header built here
// and the frames' payloads. The live hub gets it at once; the disk gets parts in batches (pushBatch).
func (m *muxer) flushPart() {
	if m.seg == nil || m.partFrames == 0 {
		return
	}
	meta := partMeta{frames: make([][]index.Frame, len(m.tracks)), bases: make([]uint64, len(m.tracks))}
	pts := make([]partTrack, len(m.tracks))
	n := 1
	for _, t := range m.tracks {
		n += len(t.payloads)
	}
	if m.seg.live.IsZero() {
		m.seg.live = m.liveStart()
	}
	bufs := make([][]byte, 1, n)
	var dur uint64
	for i, t := range m.tracks {
		meta.frames[i] = append([]index.Frame(nil), t.frames...)
		meta.bases[i] = t.base
		pts[i] = partTrack{id: uint32(i + 1), base: t.base, frames: meta.frames[i]}
		bufs = append(bufs, t.payloads...)
		var d uint64
		for _, f := range t.frames {
			d += uint64(f.Duration)
		}
		if t == m.video {
			dur = d
		}
		t.base += d
		t.payloads, t.frames = t.payloads[:0], t.frames[:0]
	}
	bufs[0] = appendMoof(make([]byte, 0, 64+20*n), m.partSeq, pts)
	meta.moofSize = uint32(len(bufs[0]) - 8)
	for _, b := range bufs {
		meta.size += len(b)
	}
	m.partSeq++
	m.partFrames = 0
	m.hub.publish(bufs, m.partKey, m.seg.live)
	b := &m.batch
	if len(b.parts) == 0 {
		b.key = m.partKey
	}
	b.parts = append(b.parts, meta)
	b.bufs = append(b.bufs, bufs...)
	b.size += meta.size
	b.dur += index.TicksToDuration(dur, m.video.spec.rate)
	if b.dur+m.fragDur > m.partDur {
		m.pushBatch() // the next part could take the unwritten media past part_duration
	}
}

// pushBatch hands the parts gathered since the last write to the disk queue: one writev.
func (m *muxer) pushBatch() {
	it := m.batch
	m.batch = queueItem{}
	if len(it.parts) == 0 || m.seg == nil {
		return
	}
	if !m.queue.push(it) {
		// The disk is behind: drop this GOP and what follows until the queue has room at a keyframe.
		m.stats.droppedGOP(countFrames(it.parts))
		m.queue.pushControl(queueItem{end: true})
		m.seg = nil
		m.newRun = true
		for _, t := range m.tracks {
			t.pending = nil
		}
		return
	}
	m.stats.part(it.size)
}

// senderReport passes an RTCP sender report to the track's clock.
func (m *muxer) senderReport(t *trackState, rtpTS uint32, ntp time.Time) {
	m.mu.Lock()
	t.mapper.SenderReport(rtpTS, ntp)
	m.mu.Unlock()
}

// close ends the open segment when the session ends.
func (m *muxer) close() {
	m.mu.Lock()
	m.endSegment()
	m.mu.Unlock()
}
