package nvr

import (
	"context"
	"errors"
	"net"
	"time"

	"github.com/porchlight/porchlight/recorder/hls"
	"github.com/porchlight/porchlight/ui"
)

// hlsAPI adapts the recorder's LL-HLS packager to the HTTP API (ui.LiveHLS), mapping its errors.
type hlsAPI struct{ s *hls.Server }

func (a hlsAPI) Playlist(ctx context.Context, camera, stream string, msn, part int64) ([]byte, time.Time, error) {
	b, origin, err := a.s.Playlist(ctx, camera, stream, msn, part)
	return b, origin, hlsErr(err)
}

func (a hlsAPI) File(ctx context.Context, camera, stream, name string) (string, net.Buffers, error) {
	typ, body, err := a.s.File(ctx, camera, stream, name)
	return typ, body, hlsErr(err)
}

func hlsErr(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, hls.ErrUnknownStream), errors.Is(err, hls.ErrNotFound):
		return ui.WrapError(ui.ErrNotFound, err)
	case errors.Is(err, hls.ErrBadRequest):
		return ui.WrapError(ui.ErrBadRequest, err)
	case errors.Is(err, hls.ErrNotReady):
		return ui.WrapError(ui.ErrUnavailable, err)
	}
	return err
}

// runHLS runs the HLS packager until the returned stop is called; stop waits up to d for it.
func (n *Node) runHLS() (stop func(d time.Duration) error) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- n.hls.Run(ctx) }()
	return func(d time.Duration) error {
		cancel()
		return waitFor(done, d, "hls")
	}
}
