package nvr

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/porchlight/porchlight/nvr/notify"
	"github.com/porchlight/porchlight/ui"
)

// A camera's retention horizon is short when the footage that fits is less than horizonShort of its
// max_age, and counts as restored only at horizonRestored: the rate behind the horizon moves with what the
// cameras see, and a horizon hovering at one threshold would otherwise notify on every swing.
const (
	horizonShort    = 0.9
	horizonRestored = 0.97
)

// horizonAlarm remembers which cameras' horizons were reported short.
type horizonAlarm struct{ short map[string]bool }

// check returns, for each camera whose horizon just became short, its horizon: a notification is due.
// A camera with no max_age, or whose horizon is not known yet, keeps its state.
func (a *horizonAlarm) check(hs map[string]ui.Horizon) map[string]ui.Horizon {
	if a.short == nil {
		a.short = map[string]bool{}
	}
	due := map[string]ui.Horizon{}
	for cam, h := range hs {
		want := h.MaxAge / 86400
		if want <= 0 || h.Days <= 0 {
			continue
		}
		switch {
		case !a.short[cam] && h.Days < horizonShort*want:
			a.short[cam] = true
			due[cam] = h
		case a.short[cam] && h.Days >= horizonRestored*want:
			delete(a.short, cam)
		}
	}
	for cam := range a.short {
		if _, ok := hs[cam]; !ok {
			delete(a.short, cam) // removed: a camera of that name added later starts afresh
		}
	}
	return due
}

// watchHorizons notifies, once until it recovers, each camera whose retention horizon falls short of its
// configured max_age: the disk (or a byte limit) holds less footage than the owner asked to keep.
func (w *notifications) watchHorizons(ctx context.Context) {
	t := time.NewTicker(w.horizonPoll)
	defer t.Stop()
	var alarm horizonAlarm
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		due := alarm.check(w.horizons())
		cams := make([]string, 0, len(due))
		for c := range due {
			cams = append(cams, c)
		}
		sort.Strings(cams)
		for _, cam := range cams {
			h := due[cam]
			w.notify(notify.Notification{Type: notify.TypeDisk, Camera: cam, Priority: 4,
				Title: "Retention short: " + cam,
				Message: fmt.Sprintf("%s keeps about %.1f days of footage, not the %.4g days configured (limited by %s).",
					cam, h.Days, h.MaxAge/86400, limitName(h.LimitedBy)),
				Link: w.link("storage", nil)})
		}
	}
}

// limitName says in words which limit a horizon comes from.
func limitName(by string) string {
	switch by {
	case "disk":
		return "free disk space"
	case "max_bytes":
		return "retention.max_bytes"
	case "camera_max_bytes":
		return "the camera's retention.max_bytes"
	}
	return by
}

// nodeHorizons returns each camera's retention horizon as the storage view shows it, or nil when the
// storage report cannot be read.
func nodeHorizons(cams cameraAPI) func() map[string]ui.Horizon {
	return func() map[string]ui.Horizon {
		rep, err := cams.Storage()
		if err != nil {
			return nil
		}
		return ui.Horizons(cams.Cameras(), rep, time.Now())
	}
}
