package keyframe

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"sync"
	"sync/atomic"
	"time"
)

// Checked is the stage's answer for one keyframe.
type Checked struct {
	Time   time.Time // the keyframe's
	Result Result
}

// Stage decodes one camera's keyframes with an ffmpeg it starts on the first keyframe, keeps while
// keyframes come, and stops after IdleStop without one. Submit never blocks; Run does the work.
type Stage struct {
	cfg   Config
	demux string
	bin   string // resolved ffmpeg path; "" when missing
	in    chan Keyframe
	out   chan Checked

	quit      chan struct{}
	closeOnce sync.Once
	running   sync.Mutex // held by Run
	snapshots sync.WaitGroup
	snapCtx   context.Context
	snapStop  context.CancelFunc

	mu       sync.Mutex
	settings settings
	lastErr  string
	pid      int
	cur      *os.Process   // the running ffmpeg, for Close and ctx to kill mid-keyframe
	liveCPU  time.Duration // the running ffmpeg's CPU at the last reading (CPU)
	// Pictures for snapshots (picture_snap.go): the latest decoded, and the keyframes submitted and not
	// yet through Run (by time: how many); change is closed and replaced whenever either changes.
	held    [heldFrames]*picture
	pending map[time.Time]int
	change  chan struct{}

	decoded, shed, failures, restarts, dropped atomic.Uint64
	oneShots, fromDecoderN                     atomic.Uint64 // snapshots by a one-shot ffmpeg, by the decoder's picture
	cpu                                        atomic.Int64  // nanoseconds: reaped children, shrinking, comparing, encoding
}

type settings struct {
	zones, masks []Polygon
	sensitivity  float64
}

// New checks cfg and looks ffmpeg up. A missing ffmpeg is no error: the stage is then unavailable (Status
// says why, Submit and Snapshot return ErrNoFFmpeg) and motion detection goes on without it.
func New(cfg Config) (*Stage, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("camera %q: %w", cfg.Camera, err)
	}
	cfg = cfg.withDefaults()
	demux, _ := demuxer(cfg.Codec)
	s := &Stage{cfg: cfg, demux: demux, in: make(chan Keyframe, cfg.Queue), out: make(chan Checked, 8), quit: make(chan struct{}),
		pending: map[time.Time]int{}, change: make(chan struct{})}
	s.settings = settings{zones: cfg.Zones, masks: cfg.Masks, sensitivity: cfg.Sensitivity}
	s.snapCtx, s.snapStop = context.WithCancel(context.Background())
	if bin, err := exec.LookPath(cfg.FFmpeg); err == nil {
		s.bin = bin
	}
	s.cfg.Logger = cfg.Logger.With("component", "keyframe", "camera", cfg.Camera)
	return s, nil
}

// SetZones applies new zones, masks and sensitivity from the next keyframe on (config changes apply
// without restart).
func (s *Stage) SetZones(zones, masks []Polygon, sensitivity float64) error {
	if err := validatePolygons("motion.zones", zones); err != nil {
		return err
	}
	if err := validatePolygons("motion.masks", masks); err != nil {
		return err
	}
	if sensitivity < 0 || sensitivity > 1 {
		return fmt.Errorf("motion.sensitivity: %v is outside 0..1", sensitivity)
	}
	if sensitivity == 0 {
		sensitivity = DefaultSensitivity
	}
	s.mu.Lock()
	s.settings = settings{zones: zones, masks: masks, sensitivity: sensitivity}
	s.mu.Unlock()
	return nil
}

// Submit queues a keyframe for checking without waiting: ErrBusy when the queue is full (the keyframe
// is shed and counted), ErrNoFFmpeg without ffmpeg, ErrClosed after Close.
func (s *Stage) Submit(k Keyframe) error {
	if s.bin == "" {
		return ErrNoFFmpeg
	}
	if s.closed() {
		return ErrClosed
	}
	s.expect(k.Time, 1) // before Run can take it
	select {
	case s.in <- k:
		return nil
	default:
		s.through(k.Time, nil)
		s.shed.Add(1)
		return ErrBusy
	}
}

// Results delivers one Checked per keyframe decoded. A consumer that falls behind loses the newest
// results (counted in Status.Dropped), never blocks the stage.
func (s *Stage) Results() <-chan Checked { return s.out }

// Run decodes submitted keyframes until ctx ends or Close is called, and returns once its ffmpeg has
// been reaped. A crashed ffmpeg is restarted on the next keyframe after a jittered, doubling backoff
// (keyframes meanwhile are shed); one that misses the deadline is killed by PID.
func (s *Stage) Run(ctx context.Context) error {
	if !s.running.TryLock() {
		return errors.New("keyframe: Run called twice")
	}
	defer s.running.Unlock()
	var (
		p         *proc
		prev      []byte // the previous keyframe's gray frame
		region    Region
		regionFor settings
		backoff   = s.cfg.BackoffMin
		notBefore time.Time
		started   time.Time
	)
	idle := time.NewTimer(s.cfg.IdleStop)
	defer idle.Stop()
	// A keyframe in progress is no reason to wait: the end of ctx kills ffmpeg at once (Close does too).
	defer context.AfterFunc(ctx, s.killCurrent)()
	stop := func(grace time.Duration) {
		if p != nil {
			p.stop(grace)
			s.retire(p)
			p = nil
		}
	}
	defer stop(0)
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-s.quit:
			return nil
		case <-idle.C:
			stop(time.Second)
			s.dropPictures() // an idle camera keeps none
			continue
		case k := <-s.in:
			idle.Reset(s.cfg.IdleStop)
			if p == nil {
				if time.Now().Before(notBefore) {
					s.shed.Add(1)
					s.through(k.Time, nil)
					continue
				}
				var err error
				if p, err = startProc(s.bin, decodeArgs(s.demux), s.demux); err != nil {
					s.fail(err)
					s.through(k.Time, nil)
					notBefore, backoff = time.Now().Add(jitter(backoff)), min(2*backoff, s.cfg.BackoffMax)
					continue
				}
				started = time.Now()
				s.startedProc(p.cmd.Process)
			}
			pic, err := p.decode(k, time.Now().Add(s.cfg.Deadline))
			s.through(k.Time, pic) // nil on error
			if err != nil && (ctx.Err() != nil || s.closed()) {
				return nil // killed by Close or ctx: no failure
			}
			if err != nil {
				s.fail(err)
				stop(0)
				if time.Since(started) > s.cfg.BackoffMax {
					backoff = s.cfg.BackoffMin // it had been working: retry soon
				}
				notBefore, backoff = time.Now().Add(jitter(backoff)), min(2*backoff, s.cfg.BackoffMax)
				s.restarts.Add(1)
				continue
			}
			s.decoded.Add(1)
			began := time.Now()
			gray, gw, gh := pic.gray(s.cfg.Width)
			cur := s.current()
			if region.W != gw || region.H != gh || !sameSettings(cur, regionFor) {
				region, regionFor = NewRegion(gw, gh, cur.zones, cur.masks), cur
			}
			res := Compare(prev, gray, region, cur.sensitivity)
			prev = gray
			s.cpu.Add(int64(time.Since(began))) // CPU-bound: wall time is CPU time (near enough)
			select {
			case s.out <- Checked{Time: k.Time, Result: res}:
			default:
				s.dropped.Add(1)
			}
		}
	}
}

func (s *Stage) current() settings {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.settings
}

// sameSettings compares the polygons by identity: SetZones replaces them whole.
func sameSettings(a, b settings) bool {
	return len(a.zones) == len(b.zones) && len(a.masks) == len(b.masks) &&
		(len(a.zones) == 0 || &a.zones[0] == &b.zones[0]) && (len(a.masks) == 0 || &a.masks[0] == &b.masks[0])
}

func (s *Stage) fail(err error) {
	s.failures.Add(1)
	s.mu.Lock()
	s.lastErr = err.Error()
	s.mu.Unlock()
	s.cfg.Logger.Warn("keyframe decoder failed", "err", err)
}

// killCurrent kills the running ffmpeg by PID (Run reaps it).
func (s *Stage) killCurrent() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cur != nil {
		_ = s.cur.Kill()
	}
}

func (s *Stage) closed() bool {
	select {
	case <-s.quit:
		return true
	default:
		return false
	}
}

// Close stops Run (if running) and every snapshot in progress, and returns once their ffmpeg processes
// have been reaped.
func (s *Stage) Close() error {
	s.closeOnce.Do(func() { close(s.quit); s.snapStop(); s.killCurrent() })
	s.running.Lock() // Run has returned (or never ran)
	s.running.Unlock()
	s.snapshots.Wait()
	return nil
}

// jitter spreads d by ±20% so that cameras behind one broken install do not restart in lockstep.
func jitter(d time.Duration) time.Duration {
	return time.Duration(float64(d) * (0.8 + 0.4*rand.Float64()))
}
