package recorder

import (
	"net"
	"sync"
	"time"

	"github.com/porchlight/porchlight/recorder/index"
)

// LivePart is one fMP4 part as it left the camera's muxer. Data is shared by every subscriber: never
// modify it.
type LivePart struct {
	Init         []byte    // init of the segment the part belongs to (shared)
	SegmentID    uint64    // changes when a new init applies
	SegmentStart time.Time // wall time of the segment's media time 0, as indexed
	// LiveStart is where the segment's media time 0 lies on the live timeline that players follow across
	// segments (see PlayerPart): SegmentStart, or later so that no track of the segment starts before
	// the same track of the previous one ended (see muxer.liveStart).
	LiveStart time.Time
	// Data is the moof and mdat header, then the samples. The slice is the subscriber's own (WriteTo may
	// consume it); the bytes it points at are shared and must not be modified.
	Data    net.Buffers
	Key     bool              // starts with a keyframe: a good place for a new viewer to begin
	Skipped bool              // the subscriber fell behind and parts before this one were skipped
	scales  map[uint32]uint32 // timescale by track ID, for LiveStream
}

// Hub fans the live parts of one stream out to any number of subscribers without copying them. A slow
// subscriber does not hold the others back: its channel fills, it misses parts, and it resumes at the next
// keyframe part with Skipped set. While the stream is being watched (or was, within gopKeep), the hub
// keeps the parts since the last keyframe so that a new viewer starts at once; an unwatched camera keeps
// none, which saves a GOP of memory per camera.
type Hub struct {
	mu      sync.Mutex
	init    []byte
	seg     *index.Segment
	gop     []LivePart // parts since the last keyframe part, for a new subscriber's fast start
	subs    map[*subscriber]struct{}
	closed  bool
	segment uint64
	watched time.Time // last time a subscriber was attached
	scales  map[uint32]uint32
	mime    string // of the current segment
}

// MIME is the MIME type with codecs of the stream's current segment, or plain video/mp4 before the
// first one.
func (h *Hub) MIME() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.mime == "" {
		return "video/mp4"
	}
	return h.mime
}

// gopKeep is how long after its last viewer the hub still keeps the current GOP.
const gopKeep = 10 * time.Minute

type subscriber struct {
	ch      chan LivePart
	lagging bool
}

func newHub() *Hub { return &Hub{subs: make(map[*subscriber]struct{})} }

// Subscribe returns a channel of live parts, starting with the current GOP, and a function that ends the
// subscription. buffer is how many parts may wait in the channel.
func (h *Hub) Subscribe(buffer int) (<-chan LivePart, func()) {
	if buffer < 1 {
		buffer = 1
	}
	h.mu.Lock()
	s := &subscriber{ch: make(chan LivePart, buffer+len(h.gop))}
	for _, p := range h.gop {
		p.Data = append(net.Buffers(nil), p.Data...)
		s.ch <- p
	}
	if h.closed {
		close(s.ch)
	} else {
		h.subs[s] = struct{}{}
		h.watched = time.Now()
	}
	h.mu.Unlock()
	var once sync.Once
	return s.ch, func() {
		once.Do(func() {
			h.mu.Lock()
			if _, ok := h.subs[s]; ok {
				delete(h.subs, s)
				close(s.ch)
			}
			h.mu.Unlock()
		})
	}
}

func (h *Hub) startSegment(rec *index.Segment, init []byte, mime string) {
	h.mu.Lock()
	h.mime = mime
	h.init, h.seg, h.segment, h.gop = init, rec, rec.ID, nil
	h.scales = make(map[uint32]uint32, len(rec.Tracks))
	for _, t := range rec.Tracks {
		h.scales[t.ID] = t.TimeScale
	}
	h.mu.Unlock()
}

// publish fans a part out; live is its segment's LivePart.LiveStart.
func (h *Hub) publish(data [][]byte, key bool, live time.Time) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.seg == nil {
		return
	}
	// The queue's writer uses data too: the hub and each subscriber get their own slice of it, since
	// net.Buffers.WriteTo consumes the slice it is called on.
	p := LivePart{Init: h.init, SegmentID: h.segment, SegmentStart: h.seg.Start, LiveStart: live, Data: append(net.Buffers(nil), data...),
		Key: key, scales: h.scales}
	if key {
		h.gop = h.gop[:0:0]
	}
	if len(h.subs) > 0 {
		h.watched = time.Now()
	}
	if time.Since(h.watched) < gopKeep {
		h.gop = append(h.gop, p)
	}
	for s := range h.subs {
		if s.lagging && !key {
			continue
		}
		q := p
		q.Data = append(net.Buffers(nil), p.Data...)
		q.Skipped = s.lagging
		select {
		case s.ch <- q:
			s.lagging = false
		default:
			s.lagging = true
		}
	}
}

// close ends every subscription.
func (h *Hub) close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closed = true
	for s := range h.subs {
		close(s.ch)
		delete(h.subs, s)
	}
}
