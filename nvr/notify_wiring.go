package nvr

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/porchlight/porchlight/federation"
	"github.com/porchlight/porchlight/federation/agency"
	"github.com/porchlight/porchlight/nvr/notify"
	"github.com/porchlight/porchlight/recorder"
	"github.com/porchlight/porchlight/ui"
)

// notifications turns what happens on the node into notifications: motion events opened, neighbor alerts
// received, agency requests that match this home's cameras, cameras going offline and back, the disk
// warning, retention horizons shorter than configured, and members and agencies admitted to the node's
// hoods. It owns
// the notifier and the goroutines that watch the recorder, federation and agency.
type notifications struct {
	n    *notify.Notifier
	rec  *recorder.Recorder
	fed  *federation.Node
	ag   *agency.Agency
	base func() string // the UI's base URL, for links
	// diskWarning says why the disk is short of space, or "" (the recorder's DiskWarning).
	diskWarning func() string
	members     func() []hoodMember            // the hoods' active members (fedMembers)
	status      func() []recorder.StreamStatus // the streams' states (the recorder's Status)
	horizons    func() map[string]ui.Horizon   // the cameras' retention horizons (nodeHorizons)
	log         *slog.Logger
	// CameraPoll is how often camera states are read; OfflineAfter how long a camera must have stopped
	// recording before it is reported offline.
	cameraPoll, offlineAfter time.Duration
	// horizonPoll is how often the retention horizons are computed (they move over hours).
	horizonPoll time.Duration
}

// watchDisk notifies when the recorder starts warning that the disk is short of space (it fills for
// other reasons than recording and retention frees no more), once until the warning clears.
func (w *notifications) watchDisk(ctx context.Context) {
	t := time.NewTicker(w.cameraPoll)
	defer t.Stop()
	told := false
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		msg := w.diskWarning()
		switch {
		case msg == "":
			told = false
		case !told:
			told = true
			w.notify(notify.Notification{Type: notify.TypeDisk, Priority: 4, Title: "Disk nearly full",
				Message: msg, Link: w.link("storage", nil)})
		}
	}
}

// newNotifications reads the channels' secrets and the Web Push key (made here for a node initialised
// before Web Push existed) and opens the queue in the data dir.
func newNotifications(cfg *Config, rec *recorder.Recorder, log *slog.Logger) (*notify.Notifier, *notify.VAPIDKey, error) {
	chans, err := cfg.loadNotifyChannels()
	if err != nil {
		return nil, nil, err
	}
	key, created, err := notify.LoadVAPIDKey(cfg.DataDir())
	if err != nil {
		return nil, nil, err
	}
	if created {
		log.Info("web push: created the VAPID key", "file", notify.VAPIDFile, "public_key", key.PublicKey())
	}
	n, err := notify.New(notify.Config{DataDir: cfg.DataDir(), Channels: chans,
		Snapshot: rec.EventSnapshot, Logger: log, VAPID: key, PushContact: pushContact(cfg)})
	return n, key, err
}

// loadNotifyChannels returns the config's channels with their secrets and CAs read from their files.
func (c *Config) loadNotifyChannels() ([]notify.ChannelConfig, error) {
	secrets, err := c.readNotifySecrets()
	if err != nil {
		return nil, err
	}
	chans := c.notifyChannels(secrets)
	if err := c.addNotifyCAs(chans); err != nil {
		return nil, err
	}
	return chans, nil
}

// run watches until ctx ends, then returns when the notifier and every watcher have stopped.
func (w *notifications) run(ctx context.Context) error {
	// The watchers run without channels too: the admin may add one at any time (SetChannels), and
	// Notify without a channel is a no-op.
	var wg sync.WaitGroup
	wg.Go(func() { w.watchEvents(ctx) })
	wg.Go(func() { w.watchAlerts(ctx) })
	wg.Go(func() { w.watchRequests(ctx) })
	wg.Go(func() { w.watchCameras(ctx) })
	wg.Go(func() { w.watchDisk(ctx) })
	wg.Go(func() { w.watchMembers(ctx) })
	wg.Go(func() { w.watchHorizons(ctx) })
	err := w.n.Run(ctx)
	wg.Wait()
	return err
}

func (w *notifications) notify(x notify.Notification) {
	if err := w.n.Notify(x); err != nil {
		w.log.Warn("queue notification", "type", x.Type, "err", err)
	}
}

// link returns the UI's base URL with the view's fragment.
func (w *notifications) link(view string, q url.Values) string {
	l := strings.TrimSuffix(w.base(), "/") + "/#/" + view
	if len(q) > 0 {
		l += "?" + q.Encode()
	}
	return l
}

// watchEvents notifies each motion event once, when it opens; its snapshot, if it has one by the time
// the channel sends, goes with it.
func (w *notifications) watchEvents(ctx context.Context) {
	ch, stop := w.rec.SubscribeEvents(64)
	defer stop()
	told := map[uint64]bool{} // open events already notified
	for {
		select {
		case <-ctx.Done():
			return
		case e, ok := <-ch:
			if !ok {
				return
			}
			if !e.Open() {
				delete(told, e.ID)
				continue
			}
			// "camera" events are the camera's own motion detection (ONVIF): told like the node's.
			if (e.Kind != "motion" && e.Kind != "camera") || told[e.ID] {
				continue
			}
			told[e.ID] = true
			local := e.Start.Local()
			w.notify(notify.Notification{Type: notify.TypeMotion, Camera: e.Camera, EventID: e.ID, Time: e.Start,
				Title:   "Motion: " + e.Camera,
				Message: fmt.Sprintf("Motion on %s at %s", e.Camera, local.Format("15:04:05")),
				Link: w.link("events", url.Values{"camera": {e.Camera}, "day": {local.Format("2006-01-02")},
					"event": {fmt.Sprint(e.ID)}}),
				Priority: 3})
		}
	}
}

// watchAlerts notifies neighbors' alerts (not the node's own). An alert's clip is not sent: only its text.
func (w *notifications) watchAlerts(ctx context.Context) {
	ch, stop := w.fed.SubscribeAlerts()
	defer stop()
	for {
		select {
		case <-ctx.Done():
			return
		case a, ok := <-ch:
			if !ok {
				return
			}
			if a.Mine {
				continue
			}
			msg := a.Text
			if a.Category != "" {
				msg = a.Category + ": " + a.Text
			}
			w.notify(notify.Notification{Type: notify.TypeAlert, Time: a.Time, Priority: 4,
				Title: "Neighbor alert from " + a.AuthorName, Message: msg,
				Link: w.link("hood", url.Values{"alert": {a.ID}})})
		}
	}
}

// watchRequests notifies agency requests that match this home's cameras: the owner's approval is needed.
func (w *notifications) watchRequests(ctx context.Context) {
	ch, stop := w.ag.SubscribeRequests()
	defer stop()
	for {
		select {
		case <-ctx.Done():
			return
		case r, ok := <-ch:
			if !ok {
				return
			}
			w.notify(notify.Notification{Type: notify.TypeRequest, Time: r.Time, Priority: 4,
				Title: "Footage request from " + r.AgencyName,
				Message: fmt.Sprintf("%s asks for footage of %s to %s (case %s: %s). It matches %s. Nothing is shared unless you approve.",
					r.AgencyName, r.Start.Local().Format("Jan 2 15:04"), r.End.Local().Format("Jan 2 15:04"), r.Case, r.Reason,
					strings.Join(r.Matches, ", ")),
				Link: w.link("requests", url.Values{"id": {r.ID}})})
		}
	}
}

// watchCameras notifies a camera's main stream that stopped recording for offlineAfter, and its return.
func (w *notifications) watchCameras(ctx context.Context) {
	t := time.NewTicker(w.cameraPoll)
	defer t.Stop()
	down := map[string]time.Time{} // camera → when it stopped recording
	told := map[string]bool{}      // cameras reported offline
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		now := time.Now()
		for _, s := range w.status() {
			if s.Stream != "main" || s.State == recorder.StateDisabled {
				continue
			}
			if s.State == recorder.StateRecording {
				delete(down, s.Camera)
				if told[s.Camera] {
					delete(told, s.Camera)
					w.notify(notify.Notification{Type: notify.TypeCamera, Camera: s.Camera, Title: "Camera online: " + s.Camera,
						Message: s.Camera + " is recording again", Link: w.link("live", url.Values{"camera": {s.Camera}})})
				}
				continue
			}
			since, ok := down[s.Camera]
			if !ok {
				down[s.Camera] = now
				continue
			}
			if !told[s.Camera] && now.Sub(since) >= w.offlineAfter {
				told[s.Camera] = true
				w.notify(notify.Notification{Type: notify.TypeCamera, Camera: s.Camera, Priority: 4,
					Title:   "Camera offline: " + s.Camera,
					Message: fmt.Sprintf("%s has not recorded since %s", s.Camera, since.Local().Format("15:04:05")),
					Link:    w.link("live", url.Values{"camera": {s.Camera}})})
			}
		}
	}
}

// backupFailed tells the owner that a scheduled backup failed (a disk notification: the backup's disk).
func (w *notifications) backupFailed(err error) {
	w.notify(notify.Notification{Type: notify.TypeDisk, Priority: 4, Title: "Backup failed",
		Message: oneLine(err), Link: w.link("storage", nil)})
}
