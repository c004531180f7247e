package nvr

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/porchlight/porchlight/federation"
	"github.com/porchlight/porchlight/federation/agency"
	"github.com/porchlight/porchlight/recorder"
)

// newFederation builds the node's neighborhood presence from the config: the hood core and its
// agency-request side, wired to each other.
func newFederation(cfg *Config, rec *recorder.Recorder, cams agency.CameraSource, reg prometheus.Registerer,
	log *slog.Logger) (*federation.Node, *agency.Agency, error) {
	key, err := LoadIdentity(cfg.DataDir())
	if err != nil {
		return nil, nil, err
	}
	fc := federation.Config{
		DataDir:      cfg.DataDir(),
		Key:          key,
		Name:         cfg.Name,
		Role:         string(cfg.Role),
		Listen:       cfg.P2P.Listen,
		Reachability: reachability(cfg),
		RelayService: cfg.P2P.RelayService.On(cfg.Role == RoleAgency),
		MDNS:         cfg.P2P.MDNS,
		UPnP:         cfg.P2P.UPnP,
		Logger:       log.With("component", "federation"),
		Registerer:   reg,
	}
	ac := agency.Config{DataDir: cfg.DataDir(), Key: key, Role: string(cfg.Role),
		Logger: log.With("component", "agency"), Registerer: reg}
	if rec != nil {
		fc.Clips, ac.Clips, ac.Cameras = clipSource{rec}, clipSource{rec}, cams
	}
	// The agency side is attached before the core's host starts: a notice arriving at start-up finds it.
	var ag *agency.Agency
	fc.AttachRequests = func(core *federation.Node) (federation.Requests, error) {
		var err error
		ag, err = agency.New(ac, core)
		return ag, err
	}
	fed, err := federation.New(fc)
	if err != nil {
		return nil, nil, err
	}
	return fed, ag, nil
}

// clipSource lets the federation share a clip the owner attached to an alert or approved for an agency
// (federation.ClipSource), and hold an approved one from retention (agency.ClipHolder).
type clipSource struct{ rec *recorder.Recorder }

func (c clipSource) WriteClip(ctx context.Context, camera string, start, end time.Time, w io.Writer) (int64, error) {
	clip, err := c.rec.Export(camera, "", start, end)
	if err != nil {
		return 0, err
	}
	defer clip.Close()
	n, err := io.Copy(w, ctxReader{ctx, clip})
	if err == nil && n != clip.Size() {
		err = errors.New("clip shorter than planned")
	}
	return n, err
}

func (c clipSource) Hold(camera string, start, end, until time.Time) {
	release := c.rec.Hold(camera, start, end)
	time.AfterFunc(time.Until(until), release)
}

// ctxReader stops a copy when ctx is done.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (r ctxReader) Read(p []byte) (int, error) {
	if err := r.ctx.Err(); err != nil {
		return 0, err
	}
	return r.r.Read(p)
}

// reachability resolves p2p.reachability: auto is AutoNAT's answer, except on an agency's federation
// node, which is a public relay and bootstrap by definition (libp2p serves the relay only while public).
func reachability(cfg *Config) federation.Reachability {
	if cfg.P2P.Reachability == ReachAuto && cfg.Role == RoleAgency {
		return federation.ReachPublic
	}
	return federation.Reachability(cfg.P2P.Reachability)
}
