package hls

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/porchlight/porchlight/recorder"
)

// Source is the recorder's side: the live hub of a camera stream ("main" or "sub"). *recorder.Recorder
// is one.
type Source interface {
	Live(camera, stream string) (*recorder.Hub, error)
}

// Config configures a Server. Source is required; zero durations take the defaults named.
type Config struct {
	Source Source
	Logger *slog.Logger // nil discards
	// PartTarget is the longest part the recorder cuts (its fragment duration; 250 ms when 0).
	PartTarget time.Duration
	// TargetDuration bounds a segment, rounded to the second (2 s when 0); MinSegment is the shortest
	// segment cut at a keyframe (1 s when 0). Clients that do not speak LL-HLS (ffmpeg, Chromium's own
	// HLS player) start three target durations from the live edge: a short target keeps them closer.
	TargetDuration, MinSegment time.Duration
	// KeepSegments is how many complete segments a window keeps (7 when 0), and more while they last
	// less than three target durations (what a client that joins three target durations from the end
	// needs).
	KeepSegments int
	// IdleTimeout is how long a window lives after its last request (30 s when 0).
	IdleTimeout time.Duration
	// ReadyTimeout bounds the wait of a plain playlist request for a new window's first three target
	// durations of segments (15 s when 0).
	ReadyTimeout time.Duration
}

// Server keeps a window per watched camera stream. Run reaps idle windows; Close ends them all.
type Server struct {
	cfg  Config
	log  *slog.Logger
	wg   sync.WaitGroup
	mu   sync.Mutex
	wins map[string]*winState // by camera + "/" + stream
	shut bool
}

// winState is a running window and its use, guarded by Server.mu.
type winState struct {
	*window
	inflight int       // requests being answered
	lastUse  time.Time // when the last request ended
	stop     chan struct{}
}

// New validates cfg and applies its defaults. It does no I/O.
func New(cfg Config) (*Server, error) {
	if cfg.Source == nil {
		return nil, errors.New("hls: Source is required")
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&cfg.PartTarget, 250*time.Millisecond)
	def(&cfg.TargetDuration, 2*time.Second)
	def(&cfg.MinSegment, time.Second)
	def(&cfg.IdleTimeout, 30*time.Second)
	def(&cfg.ReadyTimeout, 15*time.Second)
	if cfg.KeepSegments <= 0 {
		cfg.KeepSegments = 7
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Server{cfg: cfg, log: log.With("component", "hls"), wins: map[string]*winState{}}, nil
}

// Run reaps idle windows until ctx ends, then closes the server.
func (s *Server) Run(ctx context.Context) error {
	tick := time.NewTicker(max(s.cfg.IdleTimeout/4, 50*time.Millisecond))
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			s.Close()
			return nil
		case now := <-tick.C:
			s.reap(now)
		}
	}
}

// Close ends every window and waits for them.
func (s *Server) Close() {
	s.mu.Lock()
	s.shut = true
	for key, w := range s.wins {
		delete(s.wins, key)
		close(w.stop)
	}
	s.mu.Unlock()
	s.wg.Wait()
}

// Windows is the number of running windows (for tests and metrics).
func (s *Server) Windows() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.wins)
}

func (s *Server) reap(now time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for key, w := range s.wins {
		if w.inflight == 0 && now.Sub(w.lastUse) >= s.cfg.IdleTimeout {
			delete(s.wins, key)
			close(w.stop)
		}
	}
}

// use returns the window of a camera stream, starting it if needed, counted as in use until release.
func (s *Server) use(camera, stream string) (*winState, error) {
	if stream == "" {
		stream = "main"
	}
	key := camera + "/" + stream
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.shut {
		return nil, fmt.Errorf("%w: the server is stopping", ErrNotReady)
	}
	if w := s.wins[key]; w != nil {
		w.inflight++
		return w, nil
	}
	hub, err := s.cfg.Source.Live(camera, stream)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUnknownStream, err)
	}
	w := &winState{window: newWindow(&s.cfg, hub, stream, s.log.With("camera", camera, "stream", stream)),
		inflight: 1, stop: make(chan struct{})}
	s.wins[key] = w
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		w.run(w.stop)
		s.mu.Lock()
		if s.wins[key] == w { // the hub closed: the camera was removed or the recorder stopped
			delete(s.wins, key)
		}
		s.mu.Unlock()
	}()
	return w, nil
}

func (s *Server) release(w *winState) {
	s.mu.Lock()
	defer s.mu.Unlock()
	w.inflight--
	w.lastUse = time.Now()
}
