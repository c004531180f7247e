package hls

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"
)

// Content types of the resources.
const (
	PlaylistType = "application/vnd.apple.mpegurl"
	InitType     = "video/mp4"
	MediaType    = "video/iso.segment" // RFC 8216bis 3.3: fragmented MPEG-4 segments
)

// errNotYet: a wait's condition does not hold yet.
var errNotYet = errors.New("not yet")

// Playlist returns the media playlist of a camera stream ("" or "main", or "sub"). With msn >= 0 it is a
// blocking request (RFC 8216bis 6.2.5.2): it returns once the playlist holds segment msn, or part `part`
// of it when part >= 0, and fails with ErrBadRequest when msn is more than two segments past the last
// complete one. Without msn it waits until the window holds three target durations of complete
// segments: a client that does not speak LL-HLS joins three target durations from the end (RFC 8216bis
// 6.3.3), and Chromium's own player fails on a shorter live playlist. origin is the wall time
// of media time 0: a player at media time t shows what the camera saw at origin + t.
func (s *Server) Playlist(ctx context.Context, camera, stream string, msn, part int64) (body []byte, origin time.Time, err error) {
	if part >= 0 && msn < 0 {
		return nil, time.Time{}, fmt.Errorf("%w: _HLS_part without _HLS_msn", ErrBadRequest)
	}
	w, err := s.use(camera, stream)
	if err != nil {
		return nil, time.Time{}, err
	}
	defer s.release(w)
	d := s.cfg.ReadyTimeout
	if msn >= 0 {
		d = 3 * s.cfg.TargetDuration
	}
	if err := w.wait(ctx, d, func() error { return w.holds(msn, part) }); err != nil {
		return nil, time.Time{}, err
	}
	defer w.mu.Unlock()
	return w.playlist(), w.origin, nil
}

// holds says whether the playlist holds what a request waits for (errNotYet if not). Holds w.mu.
func (w *window) holds(msn, part int64) error {
	last := int64(-1) // the last complete segment
	var complete time.Duration
	for _, sg := range w.segs {
		if sg.done {
			last = int64(sg.msn)
			complete += sg.dur
		}
	}
	if msn < 0 {
		if complete < 3*w.cfg.TargetDuration {
			return errNotYet
		}
		return nil
	}
	if len(w.segs) > 0 && msn > last+2 && msn > int64(w.segs[0].msn)+1 {
		return fmt.Errorf("%w: _HLS_msn=%d is more than two segments past the playlist's last (%d)",
			ErrBadRequest, msn, last)
	}
	if msn <= last {
		return nil
	}
	if part < 0 || len(w.segs) == 0 {
		return errNotYet
	}
	open := w.segs[len(w.segs)-1]
	if int64(open.msn) > msn || int64(open.msn) == msn && int64(len(open.parts)) > part {
		return nil
	}
	return errNotYet
}

// File returns a resource of a camera stream's window (see the package doc): its content type and
// bytes. The part the preload hint names is waited for.
func (s *Server) File(ctx context.Context, camera, stream, name string) (string, net.Buffers, error) {
	k, n, err := parseName(name)
	if err != nil {
		return "", nil, err
	}
	w, err := s.use(camera, stream)
	if err != nil {
		return "", nil, err
	}
	defer s.release(w)
	switch k {
	case kindInit:
		w.mu.Lock()
		defer w.mu.Unlock()
		if b, ok := w.inits[int(n)]; ok {
			return InitType, net.Buffers{b}, nil
		}
	case kindSegment:
		w.mu.Lock()
		defer w.mu.Unlock()
		for _, sg := range w.segs {
			if sg.msn == n && sg.done {
				bufs := make(net.Buffers, len(sg.parts))
				for i, p := range sg.parts {
					bufs[i] = p.data
				}
				return MediaType, bufs, nil
			}
		}
	case kindPart:
		err := w.wait(ctx, 3*s.cfg.TargetDuration, func() error {
			if n == w.nextPart && !w.ended {
				return errNotYet
			}
			return nil
		})
		if err != nil {
			return "", nil, err
		}
		defer w.mu.Unlock()
		for _, sg := range w.segs {
			for _, p := range sg.parts {
				if p.id == n {
					return MediaType, net.Buffers{p.data}, nil
				}
			}
		}
	}
	return "", nil, fmt.Errorf("%w: %s (not in the window, or not yet complete)", ErrNotFound, name)
}

// wait returns nil, with w.mu held, once ready returns nil (called with w.mu held); otherwise the error
// ready returned, or ErrNotReady after d or when the window ended, or ctx's error.
func (w *window) wait(ctx context.Context, d time.Duration, ready func() error) error {
	timer := time.NewTimer(d)
	defer timer.Stop()
	for {
		w.mu.Lock()
		err := ready()
		if err == nil {
			return nil
		}
		ch, ended := w.changed, w.ended
		w.mu.Unlock()
		if !errors.Is(err, errNotYet) {
			return err
		}
		if ended {
			return fmt.Errorf("%w: the live stream ended", ErrNotReady)
		}
		select {
		case <-ch:
		case <-timer.C:
			return fmt.Errorf("%w (waited %s)", ErrNotReady, d)
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}
