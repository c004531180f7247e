package democam

import (
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"strings"
	"sync"

	"github.com/bluenviron/gortsplib/v4"
	"github.com/bluenviron/gortsplib/v4/pkg/base"
	"github.com/bluenviron/gortsplib/v4/pkg/liberrors"
	"github.com/pion/rtp"
)

// Server is an RTSP camera that loops a Clip in real time. Readers may use
// TCP or UDP transport. The zero value plus an Addr is ready to Start.
type Server struct {
	// Addr is the RTSP listen address; "127.0.0.1:0" (the default when
	// empty) picks a free port, and
	// Start then writes the bound port back so that a Start after Close
	// listens on the same port (a camera restart). UDP transport uses a pair
	// of free ports on the same host.
	Addr string
	// Path is the stream path; it defaults to "/live".
	Path string
	// Clip is played from Start; nil means Default().
	Clip *Clip
	// Filter, when set, is called from the pacing goroutine with every RTP
	// packet before it is sent (its SSRC not yet final); packets for which it
	// returns false are dropped, which simulates a lossy link.
	Filter func(pkt *rtp.Packet) bool
	// Logger receives connection and error events; nil discards them.
	Logger *slog.Logger
	// User and Pass, when User is set, are the credentials readers must give (digest or basic), as on
	// most real cameras; URL then carries them.
	User, Pass string
	// TLSConfig, when set, serves RTSPS (TCP only, like most cameras that offer it).
	TLSConfig *tls.Config

	life sync.Mutex // serializes Start and Close

	mu   sync.Mutex // guards the fields below, shared with the handler and the pacer
	clip *Clip      // clip to play from the next loop boundary
	rtsp *gortsplib.Server
	out  *output
	path string
	url  string
	stop chan struct{}
	done chan struct{}
}

// Start listens and starts sending the clip in real time, looping it.
func (s *Server) Start() error {
	s.life.Lock()
	defer s.life.Unlock()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.rtsp != nil {
		return errors.New("democam: server already started")
	}
	log := s.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	log = log.With("component", "democam")
	if s.clip == nil {
		s.clip = s.Clip
		if s.clip == nil {
			s.clip = Default()
		}
	}

	if s.Addr == "" {
		s.Addr = "127.0.0.1:0"
	}
	l, err := bindListeners(s.Addr)
	if err != nil {
		return err
	}
	rtsp := &gortsplib.Server{
		Handler:        &handler{s: s, log: log},
		RTSPAddress:    l.tcpAddr(),
		UDPRTPAddress:  l.rtpAddr(),
		UDPRTCPAddress: l.rtcpAddr(),
		Listen:         l.listen,
		ListenPacket:   l.listenPacket,
		TLSConfig:      s.TLSConfig,
	}
	if s.TLSConfig != nil {
		rtsp.UDPRTPAddress, rtsp.UDPRTCPAddress = "", ""
	}
	if err := rtsp.Start(); err != nil {
		l.close()
		return fmt.Errorf("democam: start RTSP server on %s: %w", l.tcpAddr(), err)
	}
	out, err := newOutput(rtsp, s.clip)
	if err != nil {
		rtsp.Close()
		return err
	}

	host, port, _ := net.SplitHostPort(s.Addr) // valid: bindListeners parsed it
	_, boundPort, _ := net.SplitHostPort(l.tcpAddr())
	if port == "0" {
		s.Addr = net.JoinHostPort(host, boundPort)
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	s.path = s.Path
	if s.path == "" {
		s.path = "/live"
	} else if !strings.HasPrefix(s.path, "/") {
		s.path = "/" + s.path
	}
	scheme, creds := "rtsp", ""
	if s.TLSConfig != nil {
		scheme = "rtsps"
	}
	if s.User != "" {
		creds = url.UserPassword(s.User, s.Pass).String() + "@"
	}
	s.url = scheme + "://" + creds + net.JoinHostPort(host, boundPort) + s.path
	s.rtsp, s.out = rtsp, out
	s.stop, s.done = make(chan struct{}), make(chan struct{})
	go newPacer(s, log, out).run(s.stop, s.done)
	log.Info("demo camera started", "url", s.url, "codec", s.clip.Codec, "audio", s.clip.Audio != nil,
		"udp_rtp", l.rtpAddr())
	return nil
}

// URL returns the stream address, e.g. rtsp://127.0.0.1:PORT/live. It is
// empty before the first successful Start and kept after Close.
func (s *Server) URL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.url
}

// SetClip switches to c at the next loop boundary; nil means Default().
// Timestamps continue. Key frames carry the new parameter sets in band and
// the SDP of later DESCRIBEs announces them. A clip with another codec or
// audio config gets a fresh stream: current readers are disconnected and
// must reconnect. Before Start, SetClip chooses the clip Start plays.
func (s *Server) SetClip(c *Clip) {
	if c == nil {
		c = Default()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.clip = c
}

// Close disconnects all readers and stops listening. Start may be called
// again afterwards; it resumes with the clip that was playing.
func (s *Server) Close() {
	s.life.Lock()
	defer s.life.Unlock()
	s.mu.Lock()
	rtsp, stop, done := s.rtsp, s.stop, s.done
	s.mu.Unlock()
	if rtsp == nil {
		return
	}
	close(stop)
	<-done // the pacer may take s.mu until it returns
	s.mu.Lock()
	out := s.out
	s.rtsp, s.out = nil, nil
	s.mu.Unlock()
	out.close()
	rtsp.Close()
}

// nextClip returns the clip to play from the loop that starts now.
func (s *Server) nextClip() *Clip {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.clip
}

// revertClip goes back to prev if bad, which could not be played, is still
// the chosen clip.
func (s *Server) revertClip(bad, prev *Clip) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.clip == bad {
		s.clip = prev
	}
}

// replaceOutput installs out for new readers and returns the previous one.
func (s *Server) replaceOutput(out *output) *output {
	s.mu.Lock()
	defer s.mu.Unlock()
	old := s.out
	s.out = out
	return old
}

// stream returns the stream served at path, or nil.
func (s *Server) stream(path string) *gortsplib.ServerStream {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.out == nil || path != s.path {
		return nil
	}
	return s.out.stream
}

// handler answers RTSP requests for the one stream; publishing is refused
// because it implements no OnAnnounce.
type handler struct {
	s   *Server
	log *slog.Logger
}

func (h *handler) OnConnOpen(ctx *gortsplib.ServerHandlerOnConnOpenCtx) {
	h.log.Debug("reader connected", "remote", ctx.Conn.NetConn().RemoteAddr())
}

func (h *handler) OnConnClose(ctx *gortsplib.ServerHandlerOnConnCloseCtx) {
	h.log.Debug("reader disconnected", "remote", ctx.Conn.NetConn().RemoteAddr(), "err", ctx.Error)
}

func (h *handler) OnDescribe(ctx *gortsplib.ServerHandlerOnDescribeCtx) (*base.Response, *gortsplib.ServerStream, error) {
	if !h.authorized(ctx.Conn, ctx.Request) {
		return &base.Response{StatusCode: base.StatusUnauthorized}, nil, liberrors.ErrServerAuth{}
	}
	return h.lookup(ctx.Path)
}

func (h *handler) OnSetup(ctx *gortsplib.ServerHandlerOnSetupCtx) (*base.Response, *gortsplib.ServerStream, error) {
	if !h.authorized(ctx.Conn, ctx.Request) {
		return &base.Response{StatusCode: base.StatusUnauthorized}, nil, liberrors.ErrServerAuth{}
	}
	return h.lookup(ctx.Path)
}

// authorized checks a reader's credentials when the camera has them (DESCRIBE and SETUP both carry them).
func (h *handler) authorized(c *gortsplib.ServerConn, req *base.Request) bool {
	return h.s.User == "" || c.VerifyCredentials(req, h.s.User, h.s.Pass)
}

func (h *handler) OnPlay(*gortsplib.ServerHandlerOnPlayCtx) (*base.Response, error) {
	return &base.Response{StatusCode: base.StatusOK}, nil
}

func (h *handler) lookup(path string) (*base.Response, *gortsplib.ServerStream, error) {
	st := h.s.stream(path)
	if st == nil {
		return &base.Response{StatusCode: base.StatusNotFound}, nil, nil
	}
	return &base.Response{StatusCode: base.StatusOK}, st, nil
}
