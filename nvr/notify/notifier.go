package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Config configures a Notifier. Zero durations and sizes take the documented defaults.
type Config struct {
	DataDir  string // the queue lives in DataDir/notify.db
	Channels []ChannelConfig
	// Snapshot returns the JPEG of an event, or an error when it has none (the notification goes without).
	Snapshot func(eventID uint64) ([]byte, error)
	Logger   *slog.Logger
	Now      func() time.Time // default time.Now; quiet hours are read in its location
	Client   *http.Client     // default: a client with no overall timeout (SendTimeout bounds each send)

	MaxAge      time.Duration // a job older than this is dropped; default 24 h
	MaxQueue    int           // jobs kept per channel; default 1000
	RetryBase   time.Duration // first retry delay; default 1 s
	RetryMax    time.Duration // retry delay cap; default 5 min
	SendTimeout time.Duration // one attempt; default 15 s

	// VAPID signs Web Push; nil: no push subscriptions (Subscribe answers ErrNoPush).
	VAPID *VAPIDKey
	// PushContact is the VAPID JWT's sub: an https URL or an e-mail address push services may write to.
	PushContact string
	// PushMotionCooldown is the motion cooldown of each push subscription; default 1 min.
	PushMotionCooldown time.Duration
}

// Notifier queues notifications and runs a worker per channel. Its configured channels may be replaced
// while it runs (SetChannels); push subscriptions come and go on their own (push.go).
type Notifier struct {
	cfg Config
	log *slog.Logger
	m   *metrics

	mu         sync.Mutex
	q          *queue                  // nil until the first channel or push subscription
	workers    []*worker               // configured channels and push subscriptions
	run        runState                // the running workers (channels.go)
	subMu      sync.Mutex              // serialises changes to push subscriptions
	lastMotion map[[2]string]time.Time // channel, camera → last motion notification queued
	closed     bool
}

// New validates the channels and opens the queue. It does no other I/O.
func New(cfg Config) (*Notifier, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Client == nil {
		cfg.Client = &http.Client{}
	}
	cfg.MaxAge = cmp0(cfg.MaxAge, 24*time.Hour)
	cfg.MaxQueue = cmp0(cfg.MaxQueue, 1000)
	cfg.RetryBase = cmp0(cfg.RetryBase, time.Second)
	cfg.RetryMax = cmp0(cfg.RetryMax, 5*time.Minute)
	cfg.SendTimeout = cmp0(cfg.SendTimeout, 15*time.Second)
	cfg.PushMotionCooldown = cmp0(cfg.PushMotionCooldown, time.Minute)
	n := &Notifier{cfg: cfg, log: cfg.Logger.With("component", "notify"), m: newMetrics(),
		lastMotion: map[[2]string]time.Time{}}
	if cfg.VAPID != nil {
		if err := n.openQueue(); err != nil {
			return nil, err
		}
		if err := n.loadSubscriptions(); err != nil {
			return nil, errors.Join(err, n.q.close())
		}
	}
	if err := n.SetChannels(cfg.Channels); err != nil {
		if n.q != nil {
			err = errors.Join(err, n.q.close())
		}
		return nil, err
	}
	return n, nil
}

// openQueue opens the queue once; n.mu is held or the notifier is not shared yet.
func (n *Notifier) openQueue() error {
	if n.q != nil {
		return nil
	}
	q, err := openQueue(filepath.Join(n.cfg.DataDir, DBFile))
	if err != nil {
		return err
	}
	n.q = q
	return nil
}

// newWorkers validates chans and makes a (not yet running) worker for each.
func (n *Notifier) newWorkers(chans []ChannelConfig) ([]*worker, error) {
	seen := map[string]bool{}
	var out []*worker
	for i := range chans {
		c := &chans[i]
		if err := c.Validate(); err != nil {
			return nil, fmt.Errorf("notify channel %q: %w", c.Name, err)
		}
		if c.Kind == KindWebhook && len(c.Secret) == 0 {
			return nil, fmt.Errorf("notify channel %q: secret_file: a webhook needs a secret to sign with", c.Name)
		}
		if c.Kind == KindEmail && c.Email.Username != "" && len(c.Secret) == 0 {
			return nil, fmt.Errorf("notify channel %q: password_file: a username needs a password", c.Name)
		}
		if c.Name == "" || seen[c.Name] {
			return nil, fmt.Errorf("notify channel %d: name %q is empty or not unique", i, c.Name)
		}
		seen[c.Name] = true
		w := &worker{n: n, cfg: c, wake: make(chan struct{}, 1), log: n.log.With("channel", c.Name)}
		switch c.Kind {
		case KindNtfy:
			w.s = &ntfy{client: n.cfg.Client, cfg: c}
		case KindWebhook:
			w.s = &webhook{client: n.cfg.Client, cfg: c, now: n.cfg.Now}
		case KindEmail:
			w.s = &email{cfg: c, timeout: n.cfg.SendTimeout}
		}
		out = append(out, w)
	}
	return out, nil
}

// SetChannels makes chans the notifier's configured channels, also while it runs: a channel whose
// settings stay keeps its worker; a changed one gets a new worker on the same queue (its waiting jobs
// stay); a removed one's waiting jobs are dropped and counted. Push subscriptions are left as they are.
// Nothing changes when a channel is invalid.
func (n *Notifier) SetChannels(chans []ChannelConfig) error {
	chans = slices.Clone(chans)
	ws, err := n.newWorkers(chans)
	if err != nil {
		return err
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.closed {
		return ErrClosed
	}
	if len(ws) > 0 {
		if err := n.openQueue(); err != nil {
			return err
		}
	}
	var configured, push []*worker
	for _, o := range n.workers {
		if o.push != "" {
			push = append(push, o)
		} else {
			configured = append(configured, o)
		}
	}
	kept := map[*worker]bool{}
	for i, w := range ws {
		for _, o := range configured {
			if o.cfg.equal(w.cfg) {
				ws[i], kept[o] = o, true
			}
		}
	}
	names := map[string]bool{}
	for _, w := range ws {
		names[w.cfg.Name] = true
	}
	for _, o := range configured {
		if kept[o] {
			continue
		}
		o.stop() // before its successor starts: one worker per queue
		if !names[o.cfg.Name] {
			if err := n.dropChannel(o.cfg.Name); err != nil {
				n.log.Error("drop the queue of a removed channel", "channel", o.cfg.Name, "err", err)
			}
		}
	}
	n.workers = append(ws, push...)
	for _, w := range ws {
		if !kept[w] {
			w.setDepth()
			n.startWorker(w)
		}
	}
	return nil
}

// dropChannel deletes a removed channel's queue, counting its jobs as dropped.
func (n *Notifier) dropChannel(name string) error {
	lost, err := n.q.dropChannel(name)
	for _, x := range lost {
		n.m.dropped.WithLabelValues(name, string(x.Type)).Inc()
	}
	n.m.depth.DeleteLabelValues(name)
	if len(lost) > 0 {
		n.log.Warn("channel removed: its waiting notifications dropped", "channel", name, "dropped", len(lost))
	}
	return err
}

// Test sends x to the named channel at once, past its rules and the queue, and returns the channel's
// answer: the admin's "send test".
func (n *Notifier) Test(ctx context.Context, name string, x Notification) error {
	n.mu.Lock()
	var w *worker
	for _, o := range n.workers {
		if o.cfg.Name == name {
			w = o
		}
	}
	n.mu.Unlock()
	if w == nil {
		return fmt.Errorf("notify channel %q: %w", name, ErrNoChannel)
	}
	x.ID = newID()
	if x.Time.IsZero() {
		x.Time = n.cfg.Now()
	}
	ctx, cancel := context.WithTimeout(ctx, n.cfg.SendTimeout)
	defer cancel()
	if err := w.sender().send(ctx, &x, nil); err != nil {
		return fmt.Errorf("notify channel %q: %w", name, err)
	}
	return nil
}

func cmp0[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

// Enabled reports whether any channel is configured or Web Push is set up: otherwise Notify does nothing.
func (n *Notifier) Enabled() bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	return len(n.workers) > 0 || n.cfg.VAPID != nil
}

// Collector returns the notifier's metrics for the node's registry.
func (n *Notifier) Collector() prometheus.Collector { return n.m }

// Notify queues x for every channel that takes it (its events, quiet hours and motion cooldown) and
// returns once the jobs are on disk. It sets x.ID and, when zero, x.Time.
func (n *Notifier) Notify(x Notification) error {
	now := n.cfg.Now()
	if x.Time.IsZero() {
		x.Time = now
	}
	x.ID = newID()
	// The lock is held until the jobs are stored, so SetChannels cannot remove a channel in between.
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.closed {
		return ErrClosed
	}
	var names []string
	var takers []*worker
	for _, w := range n.workers {
		if n.takes(w.cfg, &x, now) {
			names, takers = append(names, w.cfg.Name), append(takers, w)
		}
	}
	if len(takers) == 0 {
		return nil
	}
	trimmed, err := n.q.push(names, job{N: x, Created: now, Next: now}, n.cfg.MaxQueue)
	if err != nil {
		return fmt.Errorf("notify: queue %s: %w", x.Type, err)
	}
	for ch, lost := range trimmed {
		for _, l := range lost {
			n.m.dropped.WithLabelValues(ch, string(l.Type)).Inc()
		}
		n.log.Warn("queue full: oldest notifications dropped", "channel", ch, "dropped", len(lost))
	}
	for _, w := range takers {
		w.setDepth()
		w.poke()
	}
	return nil
}

// takes applies a channel's rules to x; n.mu is held.
func (n *Notifier) takes(c *ChannelConfig, x *Notification, now time.Time) bool {
	if !c.takes(x.Type) {
		return false
	}
	switch x.Type {
	case TypeMotion, TypeCamera, TypeDisk:
		if c.Quiet.Contains(now) {
			return false
		}
	}
	if x.Type == TypeMotion && c.MotionCooldown > 0 {
		k := [2]string{c.Name, x.Camera}
		if last, ok := n.lastMotion[k]; ok && now.Sub(last) < c.MotionCooldown {
			return false
		}
		n.lastMotion[k] = now
	}
	return true
}

// Run runs a worker per channel until ctx ends and returns when all have stopped. Jobs being sent when
// ctx ends stay queued.
func (n *Notifier) Run(ctx context.Context) error {
	n.mu.Lock()
	n.run.ctx = ctx
	for _, w := range n.workers {
		n.startWorker(w)
	}
	n.mu.Unlock()
	<-ctx.Done()
	n.mu.Lock()
	n.run.stopping = true // SetChannels and new subscriptions start no more workers
	n.mu.Unlock()
	n.run.wg.Wait()
	return nil
}

// Close closes the queue; Notify fails afterwards. Call it after Run returned.
func (n *Notifier) Close() error {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.closed || n.q == nil {
		n.closed = true
		return nil
	}
	n.closed = true
	n.cfg.Client.CloseIdleConnections()
	return n.q.close()
}
