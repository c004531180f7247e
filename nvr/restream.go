package nvr

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"time"

	"github.com/porchlight/porchlight/recorder"
	"github.com/porchlight/porchlight/recorder/restream"
	"github.com/porchlight/porchlight/ui"
)

// restreamAuth logs the restream's clients in as web users. Every web user may watch every camera, as
// in the web UI (whose camera routes are open to any user); a per-user camera list would be checked
// here.
type restreamAuth struct{ http *ui.Server }

func (a restreamAuth) Authorize(ctx context.Context, client net.IP, user, password, _ string) error {
	_, err := a.http.CheckLogin(ctx, client, user, password)
	var throttled *ui.LoginThrottledError
	switch {
	case err == nil:
		return nil
	case errors.Is(err, ui.ErrBadLogin):
		return restream.ErrBadLogin
	case errors.As(err, &throttled):
		return &restream.ThrottledError{Wait: throttled.Wait}
	}
	return err
}

// newRestream returns the RTSP restream with its listener bound, or nil when restream.listen is empty.
func newRestream(cfg *Config, rec *recorder.Recorder, http *ui.Server, log *slog.Logger) (*restream.Server, error) {
	if cfg.Restream.Listen == "" {
		return nil, nil
	}
	rs, err := restream.New(restream.Config{Listen: cfg.Restream.Listen, Source: rec, Auth: restreamAuth{http},
		Logger: log})
	if err != nil {
		return nil, fmt.Errorf("restream.listen: %w", err)
	}
	if err := rs.Start(); err != nil {
		return nil, fmt.Errorf("restream.listen: %w", err)
	}
	return rs, nil
}

// RestreamAddr is the address the RTSP restream listens on, "" when it is off.
func (n *Node) RestreamAddr() string {
	if n.restream == nil {
		return ""
	}
	return n.restream.Addr()
}

// runRestream runs the restream, if on, until the returned stop is called; stop waits up to d for it.
func (n *Node) runRestream() (stop func(d time.Duration) error) {
	if n.restream == nil {
		return func(time.Duration) error { return nil }
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- n.restream.Run(ctx) }()
	return func(d time.Duration) error {
		cancel()
		return waitFor(done, d, "restream")
	}
}
