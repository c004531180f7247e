package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"path/filepath"
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

// Notifier queues notifications and runs a worker per channel.
type Notifier struct {
	cfg     Config
	log     *slog.Logger
	q       *queue // nil without channels
	m       *metrics
	workers []*worker

	mu         sync.Mutex
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
	seen := map[string]bool{}
	for i := range cfg.Channels {
		c := &cfg.Channels[i]
		if err := c.Validate(); err != nil {
			return nil, fmt.Errorf("notify channel %q: %w", c.Name, err)
		}
		if c.Kind == KindWebhook && len(c.Secret) == 0 {
			return nil, fmt.Errorf("notify channel %q: secret_file: a webhook needs a secret to sign with", c.Name)
		}
		if c.Name == "" || seen[c.Name] {
			return nil, fmt.Errorf("notify channel %d: name %q is empty or not unique", i, c.Name)
		}
		seen[c.Name] = true
		w := &worker{n: n, cfg: c, wake: make(chan struct{}, 1), log: n.log.With("channel", c.Name)}
		switch c.Kind {
		case KindNtfy:
			w.s = &ntfy{client: cfg.Client, cfg: c}
		case KindWebhook:
			w.s = &webhook{client: cfg.Client, cfg: c, now: cfg.Now}
		}
		n.workers = append(n.workers, w)
	}
	if len(n.workers) == 0 && cfg.VAPID == nil {
		return n, nil
	}
	q, err := openQueue(filepath.Join(cfg.DataDir, DBFile))
	if err != nil {
		return nil, err
	}
	n.q = q
	if cfg.VAPID != nil {
		if err := n.loadSubscriptions(); err != nil {
			return nil, errors.Join(err, q.close())
		}
	}
	for _, w := range n.workers {
		w.setDepth()
	}
	return n, nil
}

func cmp0[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

// Enabled reports whether any channel is configured or Web Push is set up: otherwise Notify does nothing.
func (n *Notifier) Enabled() bool { return len(n.workers) > 0 || n.cfg.VAPID != nil }

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
	n.mu.Lock()
	if n.closed {
		n.mu.Unlock()
		return ErrClosed
	}
	var names []string
	var takers []*worker
	for _, w := range n.workers {
		if n.takes(w.cfg, &x, now) {
			names, takers = append(names, w.cfg.Name), append(takers, w)
		}
	}
	n.mu.Unlock()
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
	n.run.stopping = true
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
