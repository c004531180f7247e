package recorder

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"
)

// stream is one recorded RTSP stream of a camera (its main stream, or its sub-stream): a supervised
// session on the network side, a disk writer, and the live hub between them.
type stream struct {
	camera      string
	name        string // "main" or "sub"
	key         string // camera/name, the index's stream key
	url         string
	transport   string
	disabled    bool // a disabled camera's stream runs its writer (nothing to write) but no session
	cfg         *Config
	now         func() time.Time
	readTimeout time.Duration
	log         *slog.Logger
	ids         *idSource
	queue       *diskQueue
	hub         *Hub
	stats       *streamStats
	cuts        *cutBudget
	writer      *segWriter
	det         *detector                    // motion detection; nil for a sub-stream
	onvif       *cameraEvents                // the camera's own ONVIF motion events; nil when off or a sub-stream
	motion      atomic.Pointer[MotionConfig] // the camera's motion settings, replaced by SetCameras

	// life guards the fields below: each stream is started and stopped on its own, so that cameras can
	// come and go while the others keep recording.
	life        sync.Mutex
	started     bool
	stopSession context.CancelFunc
	stopWriter  context.CancelFunc
	sessions    sync.WaitGroup
	writers     sync.WaitGroup
}

// start runs the stream's writer and, unless the camera is disabled, its supervised session, until ctx is
// done or stop is called. A stream starts at most once.
func (s *stream) start(ctx context.Context) {
	s.life.Lock()
	defer s.life.Unlock()
	if s.started {
		return
	}
	s.started = true
	// The writer outlives ctx: it stops only after the session has handed it its last parts.
	wctx, stopWriter := context.WithCancel(context.Background())
	sctx, stopSession := context.WithCancel(ctx)
	s.stopWriter, s.stopSession = stopWriter, stopSession
	s.writers.Go(func() { s.writer.run(wctx, s.queue) })
	if s.det != nil {
		s.writers.Go(func() { s.det.run(wctx) }) // like the writer, it sees the session's last frames
	}
	if !s.disabled {
		s.sessions.Go(func() { s.supervise(sctx) })
		if s.onvif != nil {
			s.sessions.Go(func() { s.onvif.run(sctx) })
		}
	}
}

// stop ends the session, lets the writer drain its queue and close the open segment, then closes the live
// hub. It returns when all of that is done; calling it again (or on a stream never started) is harmless.
func (s *stream) stop() {
	s.life.Lock()
	defer s.life.Unlock()
	if s.started {
		s.stopSession()
		s.sessions.Wait() // the session ends first, so its final parts reach the queue
		s.stopWriter()
		s.writers.Wait()
	}
	s.hub.close()
}

// stopStreams stops streams concurrently and returns when all have stopped.
func stopStreams(streams []*stream) {
	var wg sync.WaitGroup
	for _, s := range streams {
		wg.Go(s.stop)
	}
	wg.Wait()
}

// supervise runs sessions until ctx is done, reconnecting with jittered exponential backoff.
func (s *stream) supervise(ctx context.Context) {
	backoff := s.cfg.BackoffMin
	for {
		s.stats.setState(StateConnecting, nil, nil)
		started := s.now()
		err := s.runSession(ctx)
		if ctx.Err() != nil {
			return
		}
		s.stats.setState(StateError, err, nil)
		s.stats.reconnect()
		if s.now().Sub(started) > s.cfg.BackoffMax {
			backoff = s.cfg.BackoffMin // it had been working: retry soon
		}
		delay := jitter(backoff)
		s.log.Warn("camera stream failed; retrying", "err", err, "retry_in", delay.Round(time.Millisecond))
		backoff = min(backoff*2, s.cfg.BackoffMax)
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

// jitter spreads d by ±20% so that cameras behind one failed switch do not reconnect in lockstep.
func jitter(d time.Duration) time.Duration {
	return time.Duration(float64(d) * (0.8 + 0.4*rand.Float64()))
}
