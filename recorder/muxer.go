package recorder

import (
	"sync"
	"time"

	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h264"
	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h265"

	"github.com/porchlight/porchlight/recorder/index"
	"github.com/porchlight/porchlight/recorder/timing"
)

// muxer turns the frames of one RTSP session into segments and parts. It runs on the network side: it
// never touches the disk, it hands parts to a bounded queue and to the live hub. gortsplib may call it from
// one goroutine per track (UDP), so every entry point takes mu.
type muxer struct {
	stream  string
	segDur  time.Duration
	partDur time.Duration
	ids     *idSource
	queue   *diskQueue
	hub     *Hub
	stats   *streamStats
	cuts    *cutBudget // bounds segment starts besides the rotation
	mu      sync.Mutex
	tracks  []*trackState
	video   *trackState
	dtsH264 *h264.DTSExtractor
	dtsH265 *h265.DTSExtractor
	seg     *openSegment // nil while waiting for a keyframe
	refused bool         // the last segment start was refused (cuts): the next keyframe retries it
	newRun  bool         // the next segment starts a new run
	run     uint64
	prevEnd time.Time // end of the previous segment of this run
	// paramsChanged is set when in-band parameter sets differ from the open segment's init.
	paramsChanged bool
	pts           ptsUnwrapper
	partSeq       uint32
	prefixes      prefixArena   // AVCC length prefixes of video samples
	fragDur       time.Duration // a part (moof+mdat, what live viewers get) lasts at most this
	batch         queueItem     // parts not yet handed to the disk queue
	partStart     time.Time
	partKey       bool // the current part starts with a keyframe
	partFrames    int
	detect        *detector // motion detection of this stream; nil: none
	// liveEnds is where each track of the previous segment ended on the live timeline (zero: unknown).
	liveEnds []time.Time
}

// maxFrameGap is the longest a frame may last, in 90 kHz ticks (5 s). Frames lost for longer while the
// timestamps keep pace end the run instead of becoming one long frame.
const maxFrameGap = 5 * 90000

// maxFrameBytes bounds the payload of one video frame assembled from access units with one timestamp.
const maxFrameBytes = 16 << 20

// ptsUnwrapper turns 32-bit RTP presentation timestamps into a continuous int64 that may step back (B
// frames) but never wraps.
type ptsUnwrapper struct {
	init   bool
	lastTS uint32
	last   int64
}

func (u *ptsUnwrapper) unwrap(ts uint32) int64 {
	if !u.init {
		u.init, u.lastTS = true, ts
		return 0
	}
	u.last += int64(int32(ts - u.lastTS))
	u.lastTS = ts
	return u.last
}

// maxSyncOffset bounds the audio shift sender reports may ask for; a camera whose reports disagree by
// more has a broken clock, and arrival times serve better.
const maxSyncOffset = 2 * time.Second

// trackState is the per-track part of the muxer.
type trackState struct {
	spec     *trackSpec
	mapper   *timing.Mapper
	pending  *pendingFrame
	lastDur  uint32
	started  bool   // has frames in the open segment
	base     uint64 // segment-relative media time of the next sample to be put in a part
	payloads [][]byte
	frames   []index.Frame
}

type pendingFrame struct {
	ticks     int64 // DTS, from the mapper's run start
	ptsOffset int32
	wall      time.Time
	key       bool
	payload   [][]byte // the sample's bytes in pieces (video: AVCC length prefixes and NAL units)
	size      int      // bytes of payload
	one       [1][]byte
}

// openSegment is the segment being assembled.
type openSegment struct {
	id    uint64
	start time.Time // wall time of media time 0, as indexed
	// clock is the video clock's wall time of media time 0; audio is placed against it, so A/V sync does
	// not depend on how start was smoothed.
	clock time.Time
	// live is the segment's LivePart.LiveStart, set when its first part is flushed (see liveStart).
	live time.Time
}

func newMuxer(stream string, tracks []*trackSpec, cfg *Config, ids *idSource, q *diskQueue, hub *Hub, st *streamStats,
	cuts *cutBudget) *muxer {
	m := &muxer{stream: stream, segDur: cfg.SegmentDuration, partDur: cfg.PartDuration,
		fragDur: min(cfg.FragmentDuration, cfg.PartDuration), ids: ids, queue: q,
		hub: hub, stats: st, cuts: cuts, newRun: true}
	for _, spec := range tracks {
		ts := &trackState{spec: spec, mapper: &timing.Mapper{ClockRate: spec.rate}}
		m.tracks = append(m.tracks, ts)
		if spec.kind == index.Video {
			m.video = ts
		}
	}
	m.resetDTS()
	return m
}

func (m *muxer) resetDTS() {
	if m.video.spec.codec == "H265" {
		m.dtsH265 = h265.NewDTSExtractor()
	} else {
		m.dtsH264 = h264.NewDTSExtractor()
	}
}

// writeVideo handles one video access unit.
func (m *muxer) writeVideo(au accessUnit, arrival time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	t := m.video
	m.stats.frame(arrival)
	if t.spec.updateParams(au.nalus) {
		m.paramsChanged = true // applies at the next keyframe, even when the new SPS came before it
	}
	if !t.spec.paramsReady() {
		return
	}
	key := t.spec.isKey(au.nalus)
	// RTP carries presentation times; with B-frames they go back and forth. The decode order is derived
	// first, and the clock sees decode times, which only go forward.
	pts := m.pts.unwrap(au.rtpTS)
	dts, err := m.extractDTS(au.nalus, pts, key)
	forced := false
	if err != nil {
		// The decode order cannot be derived (an inconsistent stream, a lost IDR): start the extractor
		// over. If it recovers on this frame, a new run starts here; if not (no keyframe yet, or a stream
		// it cannot reorder), presentation order stands in and the checks below catch what goes back.
		// Recording never stops on a non-monotonic DTS.
		m.resetDTS()
		dts, err = m.extractDTS(au.nalus, pts, key)
		forced = err == nil
		if err != nil {
			dts = pts
		}
	}
	ticks, wall, discont := t.mapper.Map(uint32(dts), arrival)
	if !discont && (forced || (t.pending != nil && (ticks < t.pending.ticks || ticks-t.pending.ticks > maxFrameGap))) {
		discont = true
		t.mapper.Reset()
		ticks, wall, _ = t.mapper.Map(uint32(dts), arrival)
	}
	ptsOffset := int32(pts - dts)
	if !discont && t.pending != nil && ticks == t.pending.ticks {
		// Several access units with one timestamp: a camera that marks every slice. They are one frame,
		// up to a size no real frame reaches (a camera whose timestamps stand still must not grow one
		// frame without end).
		if t.pending.size > maxFrameBytes {
			m.stats.droppedFrame()
			return
		}
		var n int
		t.pending.payload, n = m.prefixes.appendAVCC(t.pending.payload, au.nalus)
		t.pending.size += n
		t.pending.key = t.pending.key || key
		return
	}
	if m.detect != nil {
		// Off the recording path: a send that never waits (a full channel sheds the frame).
		f := frameSummary{wall: wall, key: key, h265: t.spec.codec == "H265", nalus: au.nalus}
		if key {
			f.params = t.spec.paramSets() // the keyframe stage decodes a keyframe on its own
		}
		m.detect.offer(f)
	}
	if discont && m.seg != nil {
		// A jump of the camera's timestamps: the clock re-anchored this frame at its arrival. The segment
		// goes on unless wall time says there is a gap (or the timeline ran ahead): a camera that jumps
		// often must not make a file per jump.
		m.stats.discontinuity()
		if !m.reanchor(t, wall) {
			m.endSegment()
			m.newRun = true
		}
	}
	if key && m.queue.broken.Swap(false) && m.seg != nil {
		m.endSegment() // the writer lost a part of it: resume in a new segment and run
		m.newRun = true
	}
	if t.pending != nil && m.seg != nil {
		m.appendSample(t, uint32(ticks-t.pending.ticks))
	}
	if key && (m.seg == nil || m.paramsChanged || wall.Sub(m.seg.start) >= m.segDur) {
		rotation := m.seg != nil && !m.paramsChanged
		m.endSegment()
		if rotation || m.cuts == nil || m.cuts.allow(arrival, m.refused) {
			m.startSegment(wall)
			m.paramsChanged, m.refused = false, false
		} else {
			m.newRun, m.refused = true, true // frames are dropped until a keyframe where a start is allowed
		}
	} else if m.seg != nil && m.partFrames > 0 && (key || m.partFull(wall)) {
		m.flushPart()
		m.partStart, m.partKey = wall, key
	}
	if m.seg == nil {
		t.pending = nil
		m.stats.droppedFrame()
		return
	}
	payload, size := m.prefixes.appendAVCC(make([][]byte, 0, 2*len(au.nalus)), au.nalus)
	t.pending = &pendingFrame{ticks: ticks, ptsOffset: ptsOffset, wall: wall, key: key, payload: payload, size: size}
}

// partFull reports whether the part must be cut before the frame at wall: one more frame would make it
// longer than the fragment duration.
func (m *muxer) partFull(wall time.Time) bool {
	next := index.TicksToDuration(uint64(m.video.lastDur), m.video.spec.rate)
	return wall.Sub(m.partStart)+next > m.fragDur
}

// extractDTS derives the decode time of an access unit. A keyframe without in-band parameter sets (a
// camera that sends them only in the SDP) gets them prepended here, since the extractor needs the SPS.
func (m *muxer) extractDTS(nalus [][]byte, pts int64, key bool) (int64, error) {
	if key {
		nalus = m.video.spec.withParams(nalus)
	}
	if m.dtsH265 != nil {
		return m.dtsH265.Extract(nalus, pts)
	}
	return m.dtsH264.Extract(nalus, pts)
}

// writeAudio handles one audio frame.
func (m *muxer) writeAudio(t *trackState, au accessUnit, arrival time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	ticks, wall, discont := t.mapper.Map(au.rtpTS, arrival)
	if m.seg == nil {
		return
	}
	if off, ok := timing.SyncOffset(m.video.mapper, t.mapper); ok && off.Abs() <= maxSyncOffset {
		wall = wall.Add(off) // the camera's sender reports put audio on the video's timeline
	}
	if discont && t.started {
		// An audio jump inside a segment: while audio keeps pace with wall time it goes on with this
		// frame; otherwise the pending frame is closed and audio resumes at the next segment.
		if !m.reanchor(t, wall) {
			if t.pending != nil {
				m.appendSample(t, t.lastDur)
			}
			t.pending = nil
			return
		}
	} else if !t.started || t.pending == nil {
		if t.started {
			return // waiting for the next segment after an audio jump
		}
		off := wall.Sub(m.seg.clock)
		if off < 0 {
			m.stats.droppedAudio()
			return // belongs before the segment's first keyframe
		}
		t.base = uint64(off) * uint64(t.spec.rate) / uint64(time.Second)
		t.started = true
	} else {
		d := ticks - t.pending.ticks
		if d <= 0 {
			return
		}
		if d > maxFrameGap*int64(t.spec.rate)/90000 {
			// Audio lost for long: close the pending frame and resume at the next segment.
			m.appendSample(t, t.lastDur)
			return
		}
		m.appendSample(t, uint32(d))
	}
	t.pending = &pendingFrame{ticks: ticks, wall: wall, key: true, size: len(au.payload)}
	t.pending.one[0] = au.payload
	t.pending.payload = t.pending.one[:]
}

// appendSample moves the pending frame of t into the current part with the given duration.
func (m *muxer) appendSample(t *trackState, dur uint32) {
	p := t.pending
	t.pending = nil
	if dur == 0 {
		dur = 1
	}
	t.lastDur = dur
	t.payloads = append(t.payloads, p.payload...)
	t.frames = append(t.frames, index.Frame{Size: uint32(p.size), Duration: dur, PTSOffset: p.ptsOffset, Key: p.key})
	m.partFrames++
}
