package recorder

import (
	"context"
	"log/slog"
	"math/rand/v2"
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
	cfg         *Config
	now         func() time.Time
	readTimeout time.Duration
	log         *slog.Logger
	ids         *idSource
	queue       *diskQueue
	hub         *Hub
	stats       *streamStats
	writer      *segWriter
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
