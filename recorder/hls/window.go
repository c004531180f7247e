package hls

import (
	"bytes"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/bluenviron/mediacommon/v2/pkg/formats/fmp4"

	"github.com/porchlight/porchlight/recorder"
)

// maxGap is how far a part may start from where the previous one ended before the playlist marks a
// discontinuity: more than the jitter between the recorder's segments, less than a frame gap a player
// would stall on.
const maxGap = 200 * time.Millisecond

// maxOver is how much longer than the target duration a segment may be: EXTINF rounded to the nearest
// second must not exceed the target (RFC 8216bis 4.4.3.1).
const maxOver = 500 * time.Millisecond

// part is one recorder part, its decode times on the window's timeline.
type part struct {
	id   uint64 // counted across segments: the p<id>.m4s of the playlist
	data []byte
	dur  time.Duration
	key  bool // starts with a keyframe
}

// segment is a run of parts; done once the next segment started.
type segment struct {
	msn        uint64
	init       int           // the init its parts need
	start      time.Time     // wall time of its first frame (EXT-X-PROGRAM-DATE-TIME)
	mediaStart time.Duration // media time of its first frame on the window's timeline
	dur        time.Duration
	parts      []*part
	disc       bool // EXT-X-DISCONTINUITY before it
	done       bool
}

func (s *segment) end() time.Duration { return s.mediaStart + s.dur }

// window holds the recent segments of one camera stream, fed by its hub subscription. Only run's
// goroutine writes the fields below mu without holding it (origin, track, scale, initBytes).
type window struct {
	cfg         *Config
	query       string // appended to the playlist's URIs: "?stream=sub" for a sub-stream
	log         *slog.Logger
	parts       <-chan recorder.LivePart
	unsubscribe func()

	origin    time.Time // wall time of media time 0
	track     int       // the fMP4 track whose sample durations time the parts (video, else the first)
	scale     uint32
	initBytes []byte

	mu       sync.Mutex
	segs     []*segment // oldest first; the last may be open
	inits    map[int][]byte
	initID   int
	nextPart uint64
	nextMSN  uint64
	discSeq  uint64        // discontinuity sequence number of segs[0]
	changed  chan struct{} // closed and replaced whenever a part arrives or the window ends
	ended    bool
}

func newWindow(cfg *Config, hub *recorder.Hub, stream string, log *slog.Logger) *window {
	parts, stop := hub.Subscribe(windowBuffer)
	var query string
	if stream != "main" {
		query = "?stream=" + stream
	}
	return &window{cfg: cfg, query: query, log: log, parts: parts, unsubscribe: stop, inits: map[int][]byte{},
		changed: make(chan struct{})}
}

// windowBuffer is how many parts may wait for a window before the hub skips it to the next keyframe.
const windowBuffer = 64

// run takes the hub's parts until the hub closes or stop is closed.
func (w *window) run(stop <-chan struct{}) {
	defer w.end()
	for {
		select {
		case <-stop:
			return
		case p, ok := <-w.parts:
			if !ok {
				return
			}
			if err := w.handle(p); err != nil {
				w.log.Debug("part not served over HLS", "err", err)
			}
		}
	}
}

func (w *window) end() {
	w.unsubscribe()
	w.mu.Lock()
	w.ended = true
	close(w.changed)
	w.mu.Unlock()
}

// handle adds one hub part to the window.
func (w *window) handle(p recorder.LivePart) error {
	if w.origin.IsZero() {
		if !p.Key {
			return nil // the window starts at a keyframe
		}
		w.origin = p.LiveStart
	}
	if p.LiveStart.Before(w.origin) {
		return fmt.Errorf("segment starts at %s, before the window's origin", p.LiveStart)
	}
	init := p.PlayerInit()
	newInit := !bytes.Equal(init, w.initBytes)
	if newInit {
		if err := w.useInit(init); err != nil {
			return err
		}
	}
	bufs, err := p.PlayerPart(w.origin)
	if err != nil {
		return err
	}
	data := make([]byte, 0, bufsLen(bufs))
	for _, b := range bufs {
		data = append(data, b...)
	}
	start, dur, err := w.timing(data)
	if err != nil {
		return err
	}
	w.add(data, p.Key, start, dur, newInit, p.Skipped)
	return nil
}

// useInit reads a new init's timing track.
func (w *window) useInit(init []byte) error {
	var in fmp4.Init
	if err := in.Unmarshal(bytes.NewReader(init)); err != nil {
		return fmt.Errorf("segment init: %w", err)
	}
	if len(in.Tracks) == 0 {
		return fmt.Errorf("segment init has no track")
	}
	t := in.Tracks[0]
	for _, it := range in.Tracks {
		if it.Codec != nil && it.Codec.IsVideo() {
			t = it
			break
		}
	}
	if t.TimeScale == 0 {
		return fmt.Errorf("track %d: time scale 0", t.ID)
	}
	w.track, w.scale, w.initBytes = t.ID, t.TimeScale, init
	w.mu.Lock()
	w.initID++
	w.inits[w.initID] = init
	w.mu.Unlock()
	return nil
}

// timing returns the media time and duration of a part, by its timing track.
func (w *window) timing(data []byte) (time.Duration, time.Duration, error) {
	var parts fmp4.Parts
	if err := parts.Unmarshal(data); err != nil {
		return 0, 0, fmt.Errorf("part: %w", err)
	}
	for _, pp := range parts {
		for _, pt := range pp.Tracks {
			if pt.ID != w.track {
				continue
			}
			var ticks uint64
			for _, s := range pt.Samples {
				ticks += uint64(s.Duration)
			}
			return ticksDuration(pt.BaseTime, w.scale), ticksDuration(ticks, w.scale), nil
		}
	}
	return 0, 0, fmt.Errorf("part has no track %d", w.track)
}

// add appends a part, starting a new segment where the rules of the package doc say.
func (w *window) add(data []byte, key bool, start, dur time.Duration, newInit, skipped bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	var last *segment
	if len(w.segs) > 0 {
		last = w.segs[len(w.segs)-1]
	}
	disc := last != nil && (newInit || skipped || (start-last.end()).Abs() > maxGap)
	if last != nil && !last.done &&
		(disc || key && last.dur >= w.cfg.MinSegment || last.dur+dur >= w.cfg.TargetDuration+maxOver) {
		last.done = true
	}
	if last == nil || last.done {
		last = &segment{msn: w.nextMSN, init: w.initID, start: w.origin.Add(start), mediaStart: start, disc: disc}
		w.nextMSN++
		w.segs = append(w.segs, last)
	}
	last.parts = append(last.parts, &part{id: w.nextPart, data: data, dur: dur, key: key})
	last.dur += dur
	w.nextPart++
	w.trim()
	close(w.changed)
	w.changed = make(chan struct{})
}

// trim drops the oldest segments beyond KeepSegments complete ones, as long as three target durations
// of complete segments remain (RFC 8216bis 6.2.2), and the inits no segment needs.
func (w *window) trim() {
	done := 0
	var complete time.Duration
	for _, s := range w.segs {
		if s.done {
			done++
			complete += s.dur
		}
	}
	for ; done > w.cfg.KeepSegments && complete-w.segs[0].dur >= 3*w.cfg.TargetDuration; done-- {
		complete -= w.segs[0].dur
		w.segs[0] = nil
		w.segs = w.segs[1:]
		if w.segs[0].disc {
			w.discSeq++
			w.segs[0].disc = false // the first segment's number is the sequence's; no tag before it
		}
	}
	for id := range w.inits {
		if id < w.segs[0].init {
			delete(w.inits, id)
		}
	}
}

func bufsLen(bufs [][]byte) int {
	n := 0
	for _, b := range bufs {
		n += len(b)
	}
	return n
}

// ticksDuration converts ticks of a time scale to a duration without overflow.
func ticksDuration(v uint64, scale uint32) time.Duration {
	s := uint64(scale)
	return time.Duration(v/s)*time.Second + time.Duration(v%s*uint64(time.Second)/s)
}
