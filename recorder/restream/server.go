package restream

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/bluenviron/gortsplib/v4"
	"github.com/bluenviron/gortsplib/v4/pkg/auth"

	"github.com/porchlight/porchlight/recorder"
)

// Source is the recorder's side of the restream: the live hub of a camera stream ("main" or "sub").
// *recorder.Recorder is one.
type Source interface {
	Live(camera, stream string) (*recorder.Hub, error)
}

// Authenticator decides whether a client may watch a camera.
type Authenticator interface {
	// Authorize returns nil when user, with password, may watch camera. client is the client's address,
	// for limits on failed logins. Otherwise it returns ErrBadLogin, ErrForbidden or a *ThrottledError;
	// any other error answers 500.
	Authorize(ctx context.Context, client net.IP, user, password, camera string) error
}

// Config configures a Server. Listen, Source and Auth are required.
type Config struct {
	Listen string // RTSP (TCP) listen address, e.g. 127.0.0.1:8554; port 0 picks a free one
	Source Source
	Auth   Authenticator
	Logger *slog.Logger // nil discards
	// IdleTimeout is how long a camera stream without readers stays subscribed to its hub (30 s when 0):
	// a player that reconnects at once starts without waiting for the stream's first part.
	IdleTimeout time.Duration
	// ReadyTimeout bounds how long a request waits for a camera stream's first part (5 s when 0).
	ReadyTimeout time.Duration
	// RecheckInterval is how often the credentials of the sessions reading are checked again (1 min when
	// 0): a removed user, a changed password or a camera taken away ends the session.
	RecheckInterval time.Duration
}

// Server is the RTSP restream. Start binds it, Run serves until its context ends.
type Server struct {
	cfg  Config
	log  *slog.Logger
	rtsp *gortsplib.Server
	addr string
	quit chan struct{} // closed by Close: feeds end
	wg   sync.WaitGroup
	once sync.Once

	mu       sync.Mutex
	closed   bool
	feeds    map[string]*feedState // by camera + "/" + stream
	sessions map[*gortsplib.ServerSession]*reader
}

// reader is a session reading a feed, with the credential it logged in with (see recheck).
type reader struct {
	feed *feedState
	cred credential
}

// feedState is a running feed and its readers, guarded by Server.mu.
type feedState struct {
	*feed
	key       string
	readers   int       // sessions that set up the feed's stream and have not closed
	pending   int       // requests waiting for the feed's first part
	idleSince time.Time // when readers last became 0
	stop      chan struct{}
}

// New validates cfg. It does no I/O: Start binds the listener.
func New(cfg Config) (*Server, error) {
	switch {
	case cfg.Listen == "":
		return nil, errors.New("restream: Listen is required")
	case cfg.Source == nil:
		return nil, errors.New("restream: Source is required")
	case cfg.Auth == nil:
		return nil, errors.New("restream: Auth is required")
	}
	if _, _, err := net.SplitHostPort(cfg.Listen); err != nil {
		return nil, fmt.Errorf("restream: listen address %q: %w", cfg.Listen, err)
	}
	if cfg.IdleTimeout <= 0 {
		cfg.IdleTimeout = 30 * time.Second
	}
	if cfg.ReadyTimeout <= 0 {
		cfg.ReadyTimeout = 5 * time.Second
	}
	if cfg.RecheckInterval <= 0 {
		cfg.RecheckInterval = time.Minute
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Server{cfg: cfg, log: log.With("component", "restream"), quit: make(chan struct{}),
		feeds: map[string]*feedState{}, sessions: map[*gortsplib.ServerSession]*reader{}}, nil
}

// Start binds the RTSP listener.
func (s *Server) Start() error {
	s.rtsp = &gortsplib.Server{
		Handler:     &handler{s: s},
		RTSPAddress: s.cfg.Listen,
		AuthMethods: []auth.VerifyMethod{auth.VerifyMethodBasic},
		Listen: func(network, address string) (net.Listener, error) {
			l, err := net.Listen(network, address)
			if err == nil {
				s.addr = l.Addr().String()
			}
			return l, err
		},
	}
	if err := s.rtsp.Start(); err != nil {
		return fmt.Errorf("restream: listen on %s: %w", s.cfg.Listen, err)
	}
	s.log.Info("RTSP restream listening", "addr", s.addr)
	return nil
}

// Addr is the address the server listens on (after Start).
func (s *Server) Addr() string { return s.addr }

// Run serves until ctx ends (or the server fails), then closes it and returns once every feed stopped.
func (s *Server) Run(ctx context.Context) error {
	if s.rtsp == nil {
		return errors.New("restream: Run before Start")
	}
	failed := make(chan error, 1)
	go func() { failed <- s.rtsp.Wait() }()
	tick := time.NewTicker(max(s.cfg.IdleTimeout/2, 100*time.Millisecond))
	defer tick.Stop()
	recheck := time.NewTicker(s.cfg.RecheckInterval)
	defer recheck.Stop()
	var err error
loop:
	for {
		select {
		case <-ctx.Done():
			break loop
		case err = <-failed:
			err = fmt.Errorf("restream: %w", err)
			break loop
		case <-tick.C:
			s.reap(time.Now())
		case <-recheck.C:
			s.recheck()
		}
	}
	s.Close()
	return err
}

// Close stops the server and every feed, disconnecting the readers, and waits for the feeds.
func (s *Server) Close() {
	s.once.Do(func() {
		s.mu.Lock()
		s.closed = true
		s.mu.Unlock()
		close(s.quit)
		if s.rtsp != nil {
			s.rtsp.Close()
		}
	})
	s.wg.Wait()
}

// reap ends the feeds that have had no reader for IdleTimeout.
func (s *Server) reap(now time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for key, f := range s.feeds {
		if f.readers == 0 && f.pending == 0 && now.Sub(f.idleSince) >= s.cfg.IdleTimeout {
			delete(s.feeds, key)
			close(f.stop)
		}
	}
}

// feed returns the running feed of a camera stream, starting it if needed. The caller calls done when it
// no longer waits for the feed's first part: until then the feed is not idle.
func (s *Server) feed(camera, stream string) (*feedState, error) {
	key := camera + "/" + stream
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, errors.New("restream closed")
	}
	if f := s.feeds[key]; f != nil {
		f.pending++
		return f, nil
	}
	hub, err := s.cfg.Source.Live(camera, stream)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUnknownPath, err)
	}
	f := &feedState{feed: newFeed(s.rtsp, hub, camera, stream, s.log), key: key, pending: 1,
		stop: make(chan struct{})}
	s.feeds[key] = f
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		f.run(f.stop, s.quit)
		s.mu.Lock()
		if s.feeds[key] == f { // the hub closed: the camera was removed or the recorder stopped
			delete(s.feeds, key)
		}
		s.mu.Unlock()
	}()
	return f, nil
}

// done ends a request's wait for f. The idle time starts again: a SETUP usually follows a DESCRIBE.
func (s *Server) done(f *feedState) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f.pending--
	f.idleSince = time.Now()
}

// attach counts session, logged in with cred, as a reader of f.
func (s *Server) attach(session *gortsplib.ServerSession, f *feedState, cred credential) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.sessions[session]; ok {
		return
	}
	s.sessions[session] = &reader{feed: f, cred: cred}
	f.readers++
}

// detach forgets a closed session.
func (s *Server) detach(session *gortsplib.ServerSession) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.sessions[session]
	if !ok {
		return
	}
	delete(s.sessions, session)
	if r.feed.readers--; r.feed.readers == 0 {
		r.feed.idleSince = time.Now()
	}
}
