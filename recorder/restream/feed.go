package restream

import (
	"bytes"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/bluenviron/gortsplib/v4"
	"github.com/bluenviron/mediacommon/v2/pkg/formats/fmp4"

	"github.com/porchlight/porchlight/recorder"
)

// feedBuffer is how many parts may wait for a feed before the hub skips it to the next keyframe.
const feedBuffer = 16

// feed restreams one camera stream: it reads the hub's parts and writes their samples as RTP to a
// ServerStream, replacing the stream when the codec configuration changes. Only its goroutine (run)
// touches the fields below mu.
type feed struct {
	camera, stream string
	srv            *gortsplib.Server
	log            *slog.Logger
	parts          <-chan recorder.LivePart
	unsubscribe    func()
	ready          chan struct{} // closed once the first stream exists, or the feed ended without one

	mu  sync.Mutex // guards out against readers of current
	out *gortsplib.ServerStream

	layout  *layout
	init    []byte         // the init (ftyp+moov) the layout was built from
	origin  time.Time      // wall time of RTP time 0 on every track
	rtpBase map[int]uint32 // random first RTP timestamp by track ID
	buf     []byte         // a part's bytes, reused
	warned  bool           // an undecodable init was logged
	started bool           // ready is closed
}

func newFeed(srv *gortsplib.Server, hub *recorder.Hub, camera, stream string, log *slog.Logger) *feed {
	parts, stop := hub.Subscribe(feedBuffer)
	return &feed{camera: camera, stream: stream, srv: srv, parts: parts, unsubscribe: stop,
		ready: make(chan struct{}), rtpBase: map[int]uint32{},
		log: log.With("camera", camera, "stream", stream)}
}

// current returns the stream readers should get, nil before the first part.
func (f *feed) current() *gortsplib.ServerStream {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.out
}

// run feeds the stream until the hub closes or stop or quit is closed, then disconnects the readers.
func (f *feed) run(stop, quit <-chan struct{}) {
	defer f.end()
	for {
		select {
		case <-stop:
			return
		case <-quit:
			return
		case p, ok := <-f.parts:
			if !ok {
				return
			}
			f.handle(p)
		}
	}
}

// end unsubscribes and closes the stream, which disconnects its readers.
func (f *feed) end() {
	f.unsubscribe()
	f.mu.Lock()
	if f.out != nil {
		f.out.Close()
		f.out = nil
	}
	f.mu.Unlock()
	if !f.started {
		close(f.ready)
	}
}

// handle writes one part, first announcing a new stream if its init does not fit the current one.
func (f *feed) handle(p recorder.LivePart) {
	init := p.PlayerInit()
	if f.layout == nil || !bytes.Equal(init, f.init) {
		l, err := parseLayout(init)
		if err != nil {
			if !f.warned {
				f.log.Warn("cannot restream this stream's codecs", "err", err)
				f.warned = true
			}
			return
		}
		f.warned = false
		f.init = init
		if f.layout != nil && f.layout.fits(l) {
			f.layout.useParams(l)
		} else if !f.replace(l) {
			return
		}
	}
	f.write(p)
}

// replace announces a new stream with layout l; the readers of the old one are disconnected (a player
// reconnects and reads the new SDP).
func (f *feed) replace(l *layout) bool {
	st := &gortsplib.ServerStream{Server: f.srv, Desc: l.description()}
	if err := st.Initialize(); err != nil {
		f.log.Error("restream stream", "err", err)
		return false
	}
	f.mu.Lock()
	old := f.out
	f.out = st
	f.mu.Unlock()
	if old != nil {
		old.Close()
		f.log.Info("codec configuration changed: restream readers reconnect")
	}
	f.layout = l
	if !f.started {
		f.started = true
		close(f.ready)
	}
	return true
}

// write sends the samples of a part. RTP times count from the feed's origin, the live start of the
// first part's segment, so they run on across segments; the NTP time of each packet is the wall time
// the recorder gave the frame.
func (f *feed) write(p recorder.LivePart) {
	f.buf = f.buf[:0]
	for _, b := range p.Data {
		f.buf = append(f.buf, b...)
	}
	var parts fmp4.Parts
	if err := parts.Unmarshal(f.buf); err != nil {
		f.log.Debug("undecodable part", "err", err)
		return
	}
	if f.origin.IsZero() {
		f.origin = p.LiveStart
	}
	offset := p.LiveStart.Sub(f.origin)
	for _, part := range parts {
		for _, pt := range part.Tracks {
			t := f.layout.track(pt.ID)
			if t == nil {
				continue
			}
			f.writeTrack(t, pt, p.SegmentStart, offset)
		}
	}
}

func (f *feed) writeTrack(t *track, pt *fmp4.PartTrack, segStart time.Time, offset time.Duration) {
	base, ok := f.rtpBase[t.id]
	if !ok {
		base = rand.Uint32()
		f.rtpBase[t.id] = base
	}
	rate := uint32(t.format.ClockRate())
	dts := pt.BaseTime
	for _, s := range pt.Samples {
		pts := int64(dts) + int64(s.PTSOffset)
		dts += uint64(s.Duration)
		pkts, err := t.encode(s)
		if err != nil {
			f.log.Debug("sample not packetized", "track", t.id, "err", err)
			continue
		}
		ts := base + uint32(durationTicks(offset, rate)+rescale(pts, t.scale, rate))
		ntp := segStart.Add(ticksDuration(pts, t.scale))
		for _, pkt := range pkts {
			pkt.Timestamp += ts
			if err := f.out.WritePacketRTPWithNTP(t.media, pkt, ntp); err != nil {
				return // the stream was closed: the feed is ending
			}
		}
	}
}

// track returns the track with fMP4 ID id, or nil.
func (l *layout) track(id int) *track {
	for _, t := range l.tracks {
		if t.id == id {
			return t
		}
	}
	return nil
}

// rescale converts ticks of one clock rate to another.
func rescale(v int64, from, to uint32) int64 {
	if from == to {
		return v
	}
	return v/int64(from)*int64(to) + v%int64(from)*int64(to)/int64(from)
}

// durationTicks converts a duration to ticks of rate.
func durationTicks(d time.Duration, rate uint32) int64 {
	return rescale(int64(d), uint32(time.Second), rate)
}

// ticksDuration converts ticks of rate to a duration.
func ticksDuration(v int64, rate uint32) time.Duration {
	return time.Duration(rescale(v, rate, uint32(time.Second)))
}
