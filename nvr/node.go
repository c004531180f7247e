package nvr

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/porchlight/porchlight/federation"
	"github.com/porchlight/porchlight/federation/agency"
	"github.com/porchlight/porchlight/nvr/mqtt"
	"github.com/porchlight/porchlight/recorder"
	"github.com/porchlight/porchlight/recorder/hls"
	"github.com/porchlight/porchlight/recorder/restream"
	"github.com/porchlight/porchlight/ui"
)

// Node is one running Porchlight: the recorder and the HTTP server, wired together.
type Node struct {
	cfg   *Config
	log   *slog.Logger
	rec   *recorder.Recorder
	fed   *federation.Node
	ag    *agency.Agency // the agency-request side of fed
	http  *ui.Server
	mqtt  *mqtt.Publisher // nil when MQTT is off
	notes *notifications  // notify: the owner's channels
	reads *alertReads     // the household's read mark of the neighborhood feed
	camMu sync.Mutex      // serialises ApplyCameras: one writer of the config file and the camera set

	restream *restream.Server // the RTSP restream; nil when restream.listen is empty
	hls      *hls.Server      // the live streams as LL-HLS, for the HTTP API
	backup   *scheduledBackup // nil when backup.dir is empty
}

// NewNode builds a node from a loaded config and binds its HTTP listener.
func NewNode(cfg *Config, log *slog.Logger) (*Node, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if err := checkSecretModes(cfg, log); err != nil {
		return nil, err
	}
	dataDir := cfg.DataDir()
	rec, err := recorder.New(recorderConfig(cfg, log))
	if err != nil {
		return nil, err
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		rec.Collector())
	n := &Node{cfg: cfg, log: log, rec: rec}
	fed, ag, err := newFederation(cfg, rec, cameraViews{n}, reg, log)
	if err != nil {
		return nil, errors.Join(err, rec.Close())
	}
	n.fed, n.ag = fed, ag
	nt, vapid, err := newNotifications(cfg, rec, log)
	if err != nil {
		return nil, errors.Join(err, ag.Close(), fed.Close(), rec.Close())
	}
	reg.MustRegister(nt.Collector())
	n.notes = &notifications{n: nt, rec: rec, fed: fed, ag: ag, base: n.publicURL, diskWarning: rec.DiskWarning, members: fedMembers(fed), status: rec.Status, log: log.With("component", "notify"),
		cameraPoll: 5 * time.Second, offlineAfter: time.Minute, horizons: nodeHorizons(cameraAPI{rec}), horizonPoll: time.Minute}
	closeAll := func(err error) error { return errors.Join(err, nt.Close(), ag.Close(), fed.Close(), rec.Close()) }
	if n.hls, err = hls.New(hls.Config{Source: rec, PartTarget: rec.LivePartMax(), Logger: log}); err != nil {
		return nil, closeAll(err)
	}
	if n.reads, err = openAlertReads(dataDir, fed.Alerts, time.Now); err != nil {
		return nil, closeAll(err)
	}
	n.http = &ui.Server{Listen: cfg.HTTP.Listen, DataDir: dataDir, Cameras: cameraAPI{rec},
		Registry: reg, Logger: log.With("component", "http"), CameraAdmin: &cameraAdmin{n: n}, NotifyAdmin: &notifyAdmin{n: n},
		CameraFinder: cameraFinder{discovery: cfg.Discovery},
		Hoods:        hoodAPI{f: fed, match: alertMatcher{views: cameraViews{n}.Cameras, events: rec.Events, base: cfg.HTTP.basePath()}.match},
		Requests:     requestAPI{ag, fed}, Events: eventAPI{rec: rec, base: cfg.HTTP.basePath()}, EventAlerts: eventAlerts{n: n, now: time.Now},
		AlertReads: n.reads, Ready: rec, Push: pushAPI{n: nt, key: vapid}, HLS: hlsAPI{n.hls}, BasePath: cfg.HTTP.basePath(), Build: buildInfo()}
	n.http.Backups = nodeBackups{n}
	if n.backup, err = newScheduledBackup(cfg, nodeBackups{n}.snapshot, reg, log); err != nil {
		return nil, closeAll(err)
	} else if n.backup != nil {
		n.backup.failed = n.notes.backupFailed
	}
	if n.http.TrustedProxies, err = cfg.HTTP.trustedProxies(); err != nil {
		return nil, closeAll(err)
	}
	if cfg.HTTP.TLS {
		tc, _, err := ui.TLSConfig(dataDir, cfg.resolve(cfg.HTTP.TLSCert), cfg.resolve(cfg.HTTP.TLSKey))
		if err != nil {
			return nil, closeAll(fmt.Errorf("http.tls: %w", err))
		}
		n.http.TLSConfig = tc
	}
	if n.mqtt, err = newMQTT(cfg, n, log); err != nil {
		return nil, closeAll(err)
	}
	if n.mqtt != nil {
		n.reads.changed = n.mqtt.Refresh
	}
	if n.restream, err = newRestream(cfg, rec, n.http, log); err != nil {
		return nil, closeAll(err)
	}
	if err := n.http.Start(); err != nil {
		if n.restream != nil {
			n.restream.Close()
		}
		return nil, closeAll(err)
	}
	return n, nil
}

// HTTPAddr is the address the API listens on.
func (n *Node) HTTPAddr() string { return n.http.Addr() }

// HTTPURL is the base URL of the API and web UI, as reached directly: https:// when the node serves TLS,
// with http.base_path.
func (n *Node) HTTPURL() string {
	if n.http.TLS {
		return "https://" + n.http.Addr() + n.cfg.HTTP.basePath()
	}
	return "http://" + n.http.Addr() + n.cfg.HTTP.basePath()
}

// publicURL is the base of links to the UI: http.public_url, else the listen address.
func (n *Node) publicURL() string {
	if n.cfg.HTTP.PublicURL != "" {
		return n.cfg.HTTP.PublicURL
	}
	return n.HTTPURL()
}

// Run runs the node until ctx is done. It stops the MQTT publisher, the RTSP restream and the HTTP server
// first, then the notifications, the agency side, then the federation, then the recorder, each with a
// deadline, and returns when all have stopped.
func (n *Node) Run(ctx context.Context) error {
	httpCtx, stopHTTP := context.WithCancel(context.Background())
	notesCtx, stopNotes := context.WithCancel(context.Background())
	defer stopNotes()
	notesDone := make(chan error, 1)
	go func() { notesDone <- n.notes.run(notesCtx) }()
	agCtx, stopAg := context.WithCancel(context.Background())
	fedCtx, stopFed := context.WithCancel(context.Background())
	recCtx, stopRec := context.WithCancel(context.Background())
	defer stopHTTP()
	defer stopAg()
	defer stopFed()
	defer stopRec()
	httpDone := make(chan error, 1)
	agDone := make(chan error, 1)
	fedDone := make(chan error, 1)
	recDone := make(chan error, 1)
	go func() { httpDone <- n.http.Run(httpCtx) }()
	go func() { fedDone <- n.fed.Run(fedCtx) }()
	go func() { agDone <- n.ag.Run(agCtx) }()
	go func() { recDone <- n.rec.Run(recCtx) }()
	stopMQTT := n.runMQTT()
	stopRestream := n.runRestream()
	stopHLS := n.runHLS()
	stopBackup := n.runBackup()
	var err error
	select {
	case <-ctx.Done():
	case err = <-httpDone:
		httpDone <- err
	case err = <-agDone:
		agDone <- err
	case err = <-fedDone:
		fedDone <- err
	case err = <-recDone:
		recDone <- err
	}
	err = errors.Join(err, stopMQTT()) // first: the node says it goes offline while all still runs
	err = errors.Join(err, stopBackup(2*time.Second))
	err = errors.Join(err, stopRestream(2*time.Second))
	err = errors.Join(err, stopHLS(2*time.Second)) // ends blocking HLS requests before the HTTP server waits for them
	stopHTTP()
	if e := waitFor(httpDone, 2*time.Second, "http server"); e != nil {
		err = errors.Join(err, e)
	}
	stopNotes()
	if e := waitFor(notesDone, 2*time.Second, "notifications"); e != nil {
		err = errors.Join(err, e)
	}
	err = errors.Join(err, n.notes.n.Close())
	stopAg()
	if e := waitFor(agDone, 2*time.Second, "agency"); e != nil {
		err = errors.Join(err, e)
	}
	err = errors.Join(err, n.ag.Close())
	stopFed()
	if e := waitFor(fedDone, 2*time.Second, "federation"); e != nil {
		err = errors.Join(err, e)
	}
	err = errors.Join(err, n.fed.Close())
	stopRec()
	if e := waitFor(recDone, 4*time.Second, "recorder"); e != nil {
		return errors.Join(err, e) // the recorder may still be writing: leave the index open
	}
	return errors.Join(err, n.rec.Close())
}

func waitFor(done chan error, d time.Duration, what string) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case err := <-done:
		return err
	case <-t.C:
		return fmt.Errorf("%s did not stop within %s", what, d)
	}
}

// recorderConfig translates the config file into the recorder's config.
func recorderConfig(cfg *Config, log *slog.Logger) recorder.Config {
	rc := recorder.Config{
		DataDir:         cfg.DataDir(),
		SegmentDuration: time.Duration(cfg.Storage.SegmentDuration),
		PartDuration:    time.Duration(cfg.Storage.PartDuration),
		FsyncInterval:   time.Duration(cfg.Storage.FsyncInterval),
		QueueDuration:   time.Duration(cfg.Storage.Queue),
		Retention: recorder.Limits{MaxAge: time.Duration(cfg.Retention.MaxAge),
			EventsMaxAge: time.Duration(cfg.Retention.EventsMaxAge), MaxBytes: int64(cfg.Retention.MaxBytes)},
		MinFree: int64(cfg.Retention.MinFree),
		Logger:  log,
	}
	rc.Cameras = recorderCameras(cfg.Cameras)
	return rc
}

// recorderCameras translates the config file's cameras into the recorder's.
func recorderCameras(cams []CameraConfig) []recorder.CameraConfig {
	var out []recorder.CameraConfig
	for _, c := range cams {
		out = append(out, recorder.CameraConfig{Name: c.Name, URL: c.URL, SubURL: c.SubURL,
			Transport: string(c.Transport), Disabled: !c.Enabled,
			Retention: recorder.Limits{MaxAge: time.Duration(c.Retention.MaxAge), MaxBytes: int64(c.Retention.MaxBytes)},
			Motion:    c.Motion.recorder(), SnapshotURL: c.SnapshotURL})
		if c.ONVIF != nil {
			out[len(out)-1].ONVIF = &recorder.ONVIFConfig{URL: c.ONVIF.URL, Events: c.ONVIF.Events}
		}
	}
	return out
}

// ApplyCameras makes cams the node's cameras: it writes them to the config file (UpdateCameras: comments
// kept, validated first, nothing changes on error) and then to the running recorder, which starts, stops
// or restarts only the cameras that changed. Footage of removed cameras stays on disk.
func (n *Node) ApplyCameras(cams []CameraConfig) error {
	n.camMu.Lock()
	defer n.camMu.Unlock()
	if n.cfg.Path == "" {
		return errors.New("apply cameras: the node's config was not loaded from a file")
	}
	cfg, err := updateCameras(n.cfg.Path, cams)
	if err != nil {
		return err
	}
	n.cfg.Cameras = cfg.Cameras
	if err := n.rec.SetCameras(recorderCameras(cfg.Cameras)); err != nil {
		return fmt.Errorf("apply cameras (config file written): %w", err)
	}
	return nil
}
