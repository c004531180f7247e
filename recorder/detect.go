package recorder

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/porchlight/porchlight/recorder/motion"
)

// Motion detection runs off the recording path. The muxer hands each video frame's summary to the
// stream's detector through a bounded channel with a send that never blocks; a full channel sheds the
// frame (counted) and recording goes on. The detector goroutine wakes once per detectTick, not per frame,
// and observes what arrived meanwhile in one batch.
const (
	detectTick   = 250 * time.Millisecond
	detectBuffer = 256 // frames: ten seconds at 25 fps, so only a stalled detector sheds
)

// frameSummary is what the detector needs of a frame. nalus are shared read-only with the recording path:
// the muxer never writes into received bytes.
type frameSummary struct {
	wall  time.Time
	key   bool
	h265  bool
	nalus [][]byte
	// params are the parameter sets in force at a keyframe (nil on other frames): the keyframe stage
	// decodes a keyframe on its own, and cameras often send them only in the SDP.
	params [][]byte
}

// detector is a stream's motion detection: its channel, its goroutine's state, and its counters.
type detector struct {
	camera string
	frames chan frameSummary
	events *eventHub
	cfg    *atomic.Pointer[MotionConfig]
	log    *slog.Logger
	now    func() time.Time

	shed  atomic.Uint64 // frames not analysed because the channel was full
	nanos atomic.Uint64 // wall time spent observing frames (blocked time included: event writes to bbolt)
	cpu   atomic.Uint64 // CPU time spent observing frames: the detector thread's, see cpuOf

	det       *motion.Detector
	applied   *MotionConfig // the config det was made with
	codecH265 bool
	open      Event // the open event; ID 0 when none
	lastWall  time.Time
	lastSeen  time.Time // when the last frame arrived (now), for an idle stream

	vis        *vision       // the keyframe stage: zones and masks
	visApplied *MotionConfig // the config vis was given
	snaps      *snapshotter
	// pending is an event the compressed stage opened that waits for the keyframe stage to find motion in
	// a zone (the camera has zones or masks); pendingFails is the stage's failure count when it began.
	pending      *motion.Change
	pendingFails uint64
	snapFor      uint64 // the open event whose snapshot waits for its first keyframe; 0 when none
	// With every keyframe decoded (detect_pixels.go): compOpen says the compressed stage has an event
	// open (Opened, not yet Closed), compEnd is the end of its last one within the open event, and
	// pixLast the latest keyframe in which the keyframe stage saw motion.
	compOpen bool
	compEnd  time.Time
	pixLast  time.Time
}

func newDetector(camera string, cfg *atomic.Pointer[MotionConfig], events *eventHub, log *slog.Logger,
	now func() time.Time) *detector {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	d := &detector{camera: camera, frames: make(chan frameSummary, detectBuffer), events: events, cfg: cfg,
		log: log, now: now, vis: newVision(camera, log)}
	d.snaps = newSnapshotter(log, d.vis.ffmpeg != "", func(id uint64, jpeg []byte) error { return d.events.attach(id, jpeg) })
	return d
}

// offer hands a frame to the detector without waiting; it is called on the recording path.
func (d *detector) offer(f frameSummary) {
	select {
	case d.frames <- f:
	default:
		d.shed.Add(1)
	}
}

// run observes frames until ctx is done, then closes an open event at the last frame. Its ticks fall on
// multiples of detectTick since the Unix epoch, like the camera reads' (readbatch.go): every stream's
// detector wakes at the same instants as the reads, so the process wakes no more often for detection.
func (d *detector) run(ctx context.Context) {
	tick := time.NewTimer(untilNext(time.Now(), detectTick))
	defer tick.Stop()
	d.vis.start(ctx)
	snapCtx, stopSnaps := context.WithCancel(ctx)
	var snaps sync.WaitGroup
	snaps.Go(func() { d.snaps.run(snapCtx) })
	defer func() {
		stopSnaps()
		snaps.Wait()
		d.vis.close()
	}()
	for {
		select {
		case <-ctx.Done():
			d.batch()
			d.closeOpen(d.lastWall, d.open.Score)
			return
		case now := <-tick.C:
			d.batch()
			tick.Reset(untilNext(now, detectTick))
		}
	}
}

// untilNext returns the time from t to the next multiple of every since the Unix epoch.
func untilNext(t time.Time, every time.Duration) time.Duration {
	return every - time.Duration(t.UnixNano()%int64(every))
}

// batch observes every frame waiting in the channel.
func (d *detector) batch() {
	cfg := d.cfg.Load()
	if cfg == nil || cfg.Disabled {
		for range len(d.frames) {
			f := <-d.frames
			d.lastWall = f.wall
		}
		d.closeOpen(d.lastWall, d.open.Score)
		d.det, d.applied, d.pending, d.compOpen = nil, nil, nil, false
		return
	}
	if d.visApplied != cfg {
		d.vis.configure(cfg)
		d.visApplied = cfg
	}
	d.answers(cfg)
	n := len(d.frames)
	if n == 0 {
		d.idle(cfg)
		return
	}
	began := time.Now()
	d.cpu.Add(uint64(cpuOf(func() { d.observe(cfg, n) })))
	d.nanos.Add(uint64(time.Since(began)))
	d.lastSeen = d.now()
}

// observe runs the n frames waiting in the channel through the detector, and the keyframe stage's
// answers after them.
func (d *detector) observe(cfg *MotionConfig, n int) {
	for range n {
		f := <-d.frames
		if d.det == nil || f.h265 != d.codecH265 {
			codec := "H264"
			if f.h265 {
				codec = "H265"
			}
			d.det, d.codecH265, d.applied = motion.New(codec, cfg.Settings), f.h265, cfg
		} else if d.applied != cfg {
			d.det.SetSettings(cfg.Settings)
			d.applied = cfg
		}
		d.lastWall = f.wall
		if f.key {
			d.keyframe(f)
		}
		c, ok := d.det.Observe(motion.Frame{Time: f.wall, Key: f.key, Size: sliceBytes(f.nalus, f.h265), NALUs: f.nalus})
		if ok {
			d.change(c)
		}
	}
	d.answers(cfg)
}

// answers takes the keyframe stage's answers: they confirm a pending event, and with every keyframe
// decoded they open, extend and close events of their own.
func (d *detector) answers(cfg *MotionConfig) {
	d.vis.results()
	d.settle()
	d.pixelMotion(cfg)
}

// idle closes an open event when the stream has sent nothing for longer than the post-roll (a camera
// that went away): frames would have closed it otherwise.
func (d *detector) idle(cfg *MotionConfig) {
	wait := cfg.Settings.PostRoll
	if wait <= 0 {
		wait = motion.DefaultPostRoll
	}
	if (d.open.ID != 0 || d.pending != nil) && d.now().Sub(d.lastSeen) > wait {
		d.closeOpen(d.lastWall, d.open.Score)
		d.det, d.pending, d.compOpen = nil, nil, false // start over with a fresh baseline when frames come back
	}
}

func (d *detector) change(c motion.Change) {
	switch c.Kind {
	case motion.Opened:
		d.compOpen = true
		if d.open.ID != 0 {
			if d.vis.pixels() {
				return // the keyframe stage opened it: the compressed stage's motion joins it
			}
			d.closeOpen(c.Start, d.open.Score)
		}
		if d.vis.gates() {
			d.pending, d.pendingFails = &c, d.vis.failures()
			d.settle()
			return
		}
		d.openEvent(c.Start, c.Score)
	case motion.Closed:
		d.compOpen = false
		if d.pending != nil {
			d.pending = nil // the keyframe stage found no motion in a zone while it lasted
			d.vis.vetoed.Add(1)
			return
		}
		if d.pixelsHold(c.End) {
			return
		}
		d.closeOpen(c.End, c.Score)
	}
}

// closeOpen closes the open event, if any, at end.
func (d *detector) closeOpen(end time.Time, score float64) {
	if d.open.ID == 0 {
		return
	}
	if end.IsZero() {
		end = d.open.Start
	}
	if d.snapFor == d.open.ID {
		d.snapFor = 0
		if k := d.vis.last; k.NALUs != nil { // the event ended before a keyframe of its own came
			d.snaps.queue(snapJob{id: d.open.ID, key: k, stage: d.vis.stage.Load()})
		}
	}
	if _, err := d.events.close(d.open.ID, end, score); err != nil {
		d.log.Warn("motion event not closed", "event", d.open.ID, "err", err)
	}
	d.open, d.compEnd = Event{}, time.Time{}
}

// sliceBytes sums the sizes of a frame's slice NAL units (its coded picture, without parameter sets and
// SEI).
func sliceBytes(nalus [][]byte, h265 bool) int {
	n := 0
	for _, u := range nalus {
		if len(u) == 0 {
			continue
		}
		if h265 {
			if (u[0]>>1)&0x3f <= 31 { // VCL NAL unit types
				n += len(u)
			}
		} else if t := u[0] & 0x1f; t >= 1 && t <= 5 {
			n += len(u)
		}
	}
	return n
}
