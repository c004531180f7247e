package recorder

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"time"

	"github.com/porchlight/porchlight/recorder/onvif"
)

// ONVIFConfig is a camera's ONVIF device, for its own motion events.
type ONVIFConfig struct {
	// URL is the device service (http or https, usually http://HOST/onvif/device_service), credentials
	// in the URL.
	URL string
	// Events subscribes to the camera's motion events (PullPoint); they become events of kind "camera".
	Events bool
}

// Camera events: how long a subscription lasts unless renewed, how long one PullMessages waits, and the
// least time between two pulls (a device that answers at once must not make the loop spin).
const (
	onvifTermination = time.Minute
	onvifPullWait    = 10 * time.Second
	onvifPullSpacing = 500 * time.Millisecond
)

// cameraEvents follows a camera's ONVIF motion events and opens and closes events of kind "camera": one
// event while any of the camera's motion sources (a video source, a detection rule) reports motion. The
// camera's main stream runs it beside its session; it reconnects with backoff, and an event open when the
// subscription is lost ends at the last pull that reached the camera.
type cameraEvents struct {
	camera     string
	url        string
	events     *eventHub
	log        *slog.Logger
	now        func() time.Time
	backoffMin time.Duration
	backoffMax time.Duration
	http       *http.Client    // nil = http.DefaultClient
	snapshot   func(id uint64) // asks a snapshot for an event it opened; nil = none

	open     Event // ID 0 when none
	lastSeen time.Time
}

func (w *cameraEvents) run(ctx context.Context) {
	delay := w.backoffMin
	for ctx.Err() == nil {
		pulled, err := w.session(ctx)
		w.closeOpen(w.lastSeen)
		if ctx.Err() != nil {
			return
		}
		if pulled {
			delay = w.backoffMin
		}
		w.log.Warn("camera events: subscription lost; retrying", "err", err, "in", delay)
		t := time.NewTimer(delay/2 + rand.N(delay/2+1))
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		delay = min(2*delay, w.backoffMax)
	}
}

// session subscribes and pulls until an error or ctx ends; pulled tells whether any pull succeeded.
func (w *cameraEvents) session(ctx context.Context) (pulled bool, err error) {
	c, err := onvif.NewClient(w.url, "", "")
	if err != nil {
		return false, err
	}
	c.HTTP, c.Now = w.http, w.now
	if err := c.SyncClock(ctx); err != nil {
		var f *onvif.Fault
		if !errors.As(err, &f) {
			return false, err
		}
	}
	svc, err := c.Services(ctx)
	if err != nil {
		return false, err
	}
	sub, err := c.Subscribe(ctx, svc.Events, onvifTermination)
	if err != nil {
		return false, err
	}
	w.log.Info("camera events: subscribed", "device", c.Device())
	defer func() {
		uctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = sub.Unsubscribe(uctx)
	}()
	active := map[string]bool{}
	renewAt := w.now().Add(onvifTermination / 2)
	for {
		began := w.now()
		ns, err := sub.Pull(ctx, onvifPullWait)
		if err != nil {
			return pulled, err
		}
		pulled = true
		w.lastSeen = w.now()
		for _, n := range ns {
			if on, ok := n.Motion(); ok {
				if on {
					active[n.SourceKey()] = true
				} else {
					delete(active, n.SourceKey())
				}
			}
		}
		w.apply(len(active) > 0)
		if !renewAt.IsZero() && !w.now().Before(renewAt) {
			if err := sub.Renew(ctx, onvifTermination); err != nil {
				var f *onvif.Fault
				if !errors.As(err, &f) {
					return pulled, err
				}
				// Devices without Renew keep a subscription alive while it is pulled; if this one ends, the
				// next pull fails and the session starts again.
				w.log.Debug("camera events: device refuses Renew; relying on pulls", "err", err)
				renewAt = time.Time{}
			} else {
				renewAt = w.now().Add(onvifTermination / 2)
			}
		}
		if wait := onvifPullSpacing - w.now().Sub(began); wait > 0 && len(ns) == 0 {
			t := time.NewTimer(wait)
			select {
			case <-ctx.Done():
				t.Stop()
				return pulled, ctx.Err()
			case <-t.C:
			}
		}
	}
}

// apply opens an event when motion starts and closes it when it stops.
func (w *cameraEvents) apply(motion bool) {
	switch {
	case motion && w.open.ID == 0:
		e, err := w.events.open(w.camera, "camera", w.now(), 1)
		if err != nil {
			w.log.Error("camera events: open event", "err", err)
			return
		}
		w.open = e
		if w.snapshot != nil {
			w.snapshot(e.ID)
		}
	case !motion && w.open.ID != 0:
		w.closeOpen(w.now())
	}
}

func (w *cameraEvents) closeOpen(end time.Time) {
	if w.open.ID == 0 {
		return
	}
	if end.Before(w.open.Start) {
		end = w.open.Start
	}
	if _, err := w.events.close(w.open.ID, end, 1); err != nil {
		w.log.Error("camera events: close event", "err", fmt.Errorf("event %d: %w", w.open.ID, err))
	}
	w.open = Event{}
}
