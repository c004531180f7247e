package restream

import (
	"context"
	"errors"
	"math"
	"net"
	"strconv"
	"time"

	"github.com/bluenviron/gortsplib/v4"
	"github.com/bluenviron/gortsplib/v4/pkg/base"
	"github.com/bluenviron/gortsplib/v4/pkg/liberrors"
)

// authTimeout bounds one credential check (it may wait for a free password hash slot).
const authTimeout = 10 * time.Second

// handler answers the RTSP requests of readers; publishing is refused because it implements no
// OnAnnounce.
type handler struct{ s *Server }

func (h *handler) OnConnOpen(ctx *gortsplib.ServerHandlerOnConnOpenCtx) {
	h.s.log.Debug("client connected", "remote", ctx.Conn.NetConn().RemoteAddr())
}

func (h *handler) OnConnClose(ctx *gortsplib.ServerHandlerOnConnCloseCtx) {
	h.s.log.Debug("client disconnected", "remote", ctx.Conn.NetConn().RemoteAddr(), "err", ctx.Error)
}

func (h *handler) OnDescribe(ctx *gortsplib.ServerHandlerOnDescribeCtx) (*base.Response, *gortsplib.ServerStream, error) {
	_, st, res, _, err := h.open(ctx.Conn, ctx.Request, ctx.Path)
	return res, st, err
}

func (h *handler) OnSetup(ctx *gortsplib.ServerHandlerOnSetupCtx) (*base.Response, *gortsplib.ServerStream, error) {
	f, st, res, cred, err := h.open(ctx.Conn, ctx.Request, ctx.Path)
	if st != nil {
		h.s.attach(ctx.Session, f, cred)
	}
	return res, st, err
}

func (h *handler) OnPlay(*gortsplib.ServerHandlerOnPlayCtx) (*base.Response, error) {
	return &base.Response{StatusCode: base.StatusOK}, nil
}

func (h *handler) OnSessionClose(ctx *gortsplib.ServerHandlerOnSessionCloseCtx) {
	h.s.detach(ctx.Session)
}

// open authorises a DESCRIBE or SETUP of path and returns the stream to read. Otherwise the response
// says why: 401 (no or wrong credentials; after wrong ones the connection closes), 403, 404, or 503
// (too many failed logins, with Retry-After; or no frames from the camera yet).
func (h *handler) open(c *gortsplib.ServerConn, req *base.Request, path string) (*feedState, *gortsplib.ServerStream,
	*base.Response, credential, error) {
	camera, stream, err := parsePath(path)
	if err != nil {
		return nil, nil, &base.Response{StatusCode: base.StatusNotFound}, credential{}, nil
	}
	cred, res, err := h.authorize(c, req, camera)
	if res != nil {
		return nil, nil, res, cred, err
	}
	f, err := h.s.feed(camera, stream)
	if err != nil {
		return nil, nil, &base.Response{StatusCode: base.StatusNotFound}, cred, nil
	}
	t := time.NewTimer(h.s.cfg.ReadyTimeout)
	select {
	case <-f.ready:
	case <-t.C:
	}
	t.Stop()
	h.s.done(f)
	st := f.current()
	if st == nil {
		return nil, nil, &base.Response{StatusCode: base.StatusServiceUnavailable}, cred, nil
	}
	return f, st, &base.Response{StatusCode: base.StatusOK}, cred, nil
}

// credential is what a client logged in with, kept to check it again while the client reads.
type credential struct {
	ip                 net.IP
	user, pass, camera string
}

// authorize checks the request's Basic credentials for camera and returns them with a nil response when
// they pass, else the response and error to answer with.
func (h *handler) authorize(c *gortsplib.ServerConn, req *base.Request, camera string) (credential, *base.Response, error) {
	user, pass, ok := basicCredentials(req.Header["Authorization"])
	if !ok {
		// No (usable) credentials: 401, and gortsplib adds WWW-Authenticate: Basic.
		return credential{}, &base.Response{StatusCode: base.StatusUnauthorized}, liberrors.ErrServerAuth{}
	}
	cred := credential{user: user, pass: pass, camera: camera}
	if a, ok := c.NetConn().RemoteAddr().(*net.TCPAddr); ok {
		cred.ip = a.IP
	}
	ctx, cancel := context.WithTimeout(context.Background(), authTimeout)
	defer cancel()
	err := h.s.cfg.Auth.Authorize(ctx, cred.ip, user, pass, camera)
	ip := cred.ip
	var throttled *ThrottledError
	switch {
	case err == nil:
		return cred, nil, nil
	case errors.Is(err, ErrBadLogin):
		h.s.log.Info("restream login failed", "user", user, "remote", ip)
		return cred, &base.Response{StatusCode: base.StatusUnauthorized}, liberrors.ErrServerAuth{}
	case errors.Is(err, ErrForbidden):
		return cred, &base.Response{StatusCode: base.StatusForbidden}, nil
	case errors.As(err, &throttled):
		return cred, &base.Response{StatusCode: base.StatusServiceUnavailable, Header: base.Header{
			"Retry-After": base.HeaderValue{strconv.Itoa(int(math.Ceil(throttled.Wait.Seconds())))}}}, nil
	default:
		h.s.log.Error("restream login check", "user", user, "err", err)
		return cred, &base.Response{StatusCode: base.StatusInternalServerError}, nil
	}
}
