package recorder

import (
	"bytes"
	"context"
	"encoding/binary"
	"io"
	"net"
	"time"
)

// LiveStream is one viewer's live fMP4 stream of a camera stream: an init segment, then parts from a
// keyframe on, with decode times continuous across segment boundaries, so that a player (Media Source
// Extensions) can append everything to one buffer. A new init is sent only when the codec configuration
// changes. A viewer that falls behind skips to the next keyframe; the timestamps then jump forward by
// what it missed.
type LiveStream struct {
	hub     *Hub
	ch      <-chan LivePart
	stop    func()
	started bool
	origin  time.Time // wall time of the stream's media time 0: the first segment's start
	init    []byte    // the init last sent
	next    *LivePart // a part waiting behind an init that had to go first
}

// liveBuffer is how many parts may wait for a slow viewer before it starts skipping.
const liveBuffer = 16

// LiveStream subscribes to a camera stream's live parts. Close it when the viewer leaves.
func (r *Recorder) LiveStream(camera, stream string) (*LiveStream, error) {
	h, err := r.Live(camera, stream)
	if err != nil {
		return nil, err
	}
	ch, stop := h.Subscribe(liveBuffer)
	return &LiveStream{hub: h, ch: ch, stop: stop}, nil
}

// Origin is the wall-clock time of the stream's media time 0 (zero before the first part): a player
// at media time t shows what the camera saw at Origin + t.
func (l *LiveStream) Origin() time.Time { return l.origin }

// MIME is the stream's MIME type with codecs (see Hub.MIME).
func (l *LiveStream) MIME() string { return l.hub.MIME() }

// Close ends the subscription.
func (l *LiveStream) Close() { l.stop() }

// Next returns the next chunk to send, an init segment or a part, blocking until one is ready. It
// returns io.EOF when the stream ends (the recorder stopped) and ctx's error when ctx is done.
func (l *LiveStream) Next(ctx context.Context) (net.Buffers, error) {
	for {
		p := l.next
		l.next = nil
		if p == nil {
			select {
			case <-ctx.Done():
				return nil, ctx.Err()
			case q, ok := <-l.ch:
				if !ok {
					return nil, io.EOF
				}
				p = &q
			}
		}
		if !l.started {
			if !p.Key {
				continue // a viewer starts at a keyframe
			}
			l.started, l.origin = true, p.LiveStart
		}
		if init := stripMeta(p.Init); !bytes.Equal(init, l.init) {
			l.init, l.next = init, p
			return net.Buffers{init}, nil
		}
		part, err := p.PlayerPart(l.origin)
		if err != nil {
			continue // cannot happen for parts the muxer built; skip rather than send garbage
		}
		return part, nil
	}
}

// PlayerPart returns the part's bytes with its decode times counted from origin (a LiveStart) instead of
// from its segment's start, so that parts of successive segments follow each other on one timeline
// starting at origin, no track overlapping itself (media time t is about wall time origin + t: the live
// timeline lags wall time by what segment starts were moved later; see muxer_live.go). The moof is a
// copy; the samples are shared.
func (p LivePart) PlayerPart(origin time.Time) (net.Buffers, error) {
	moof, err := shiftMoof(p.Data[0], p.LiveStart.Sub(origin), p.scales)
	if err != nil {
		return nil, err
	}
	return append(net.Buffers{moof}, p.Data[1:]...), nil
}

// stripMeta returns a segment init without its trailing meta box (a player needs only ftyp and moov).
func stripMeta(init []byte) []byte {
	for off := 0; off+8 <= len(init); {
		size := int(binary.BigEndian.Uint32(init[off:]))
		if size < 8 || off+size > len(init) {
			break
		}
		if string(init[off+4:off+8]) == "free" {
			return init[:off]
		}
		off += size
	}
	return init
}

// shiftMoof returns a copy of a part's moof (with its mdat header) whose tfdt decode times are moved by
// d: segment-relative times become times since the live stream's origin.
func shiftMoof(b []byte, d time.Duration, scales map[uint32]uint32) ([]byte, error) {
	out := bytes.Clone(b)
	m := &moofReader{b: out}
	size := int(m.u32(0))
	if m.err != nil || size > len(out) {
		return nil, errBadSegment
	}
	m.children(8, size, func(typ string, ps, pe int) {
		if typ != "traf" {
			return
		}
		var shift uint64
		m.children(ps, pe, func(typ string, s, e int) {
			switch typ {
			case "tfhd":
				shift = uint64(d) * uint64(scales[m.u32(s+4)]) / uint64(time.Second)
			case "tfdt":
				if m.u32(s)>>24 == 1 && m.err == nil && s+12 <= len(out) {
					binary.BigEndian.PutUint64(out[s+4:], m.u64(s+4)+shift)
				}
			}
		})
	})
	if m.err != nil {
		return nil, m.err
	}
	return out, nil
}

// PlayerInit is the part's init without the recorder's meta box: the ftyp and moov a player (or a
// restream) needs, equal across segments while the codec configuration stays the same.
func (p LivePart) PlayerInit() []byte { return stripMeta(p.Init) }
