package recorder

import (
	"errors"
	"fmt"
	"slices"
)

// SetCameras replaces the set of recorded cameras, before or during Run. Cameras are matched by name:
// a new name starts recording; a removed name stops (its session ends, its writer closes the open segment,
// its live subscribers are let go); a camera whose URL, sub-stream URL, transport or enabled state changed
// is stopped and started again with the new settings; any other camera keeps recording untouched, with
// only its retention limits updated. Footage of a removed camera stays on disk and in the index, but is no
// longer listed, exported, or subject to retention (Spans, Export, Live and Status treat the camera as
// unknown) until a camera of that name is added again.
//
// cams is validated as New validates it; on error nothing changes. SetCameras returns when the stopped
// streams have stopped and the new ones have started (or, outside Run, been created).
func (r *Recorder) SetCameras(cams []CameraConfig) error {
	cams = slices.Clone(cams)
	check := Config{DataDir: r.cfg.DataDir, Cameras: cams}
	if err := check.validate(); err != nil {
		return err
	}
	r.setMu.Lock()
	defer r.setMu.Unlock()

	r.mu.Lock()
	running := make(map[string]CameraConfig, len(r.cfg.Cameras))
	for _, c := range r.cfg.Cameras {
		running[c.Name] = c
	}
	var stop []*stream
	var start []CameraConfig
	keep := make(map[string]bool, len(cams))
	for _, c := range cams {
		old, ok := running[c.Name]
		switch {
		case !ok:
			start = append(start, c)
		case streamsDiffer(old, c):
			start = append(start, c)
		default:
			keep[c.Name] = true
		}
	}
	for _, s := range r.order {
		if !keep[s.camera] {
			stop = append(stop, s)
		}
	}
	r.mu.Unlock()

	// Outside r.mu: a writer draining on a full disk calls into retention, which takes r.mu.
	stopStreams(stop)
	stopped := make(map[string]*stream, len(stop))
	for _, s := range stop {
		stopped[s.key] = s
	}
	var fresh []*stream
	var errs []error
	failed := map[string]bool{}
	for _, c := range start {
		ss, err := r.newStreams(c)
		if err != nil {
			errs = append(errs, fmt.Errorf("camera %q: %w", c.Name, err))
			failed[c.Name] = true
			continue
		}
		for _, s := range ss {
			if old := stopped[s.key]; old != nil {
				// A restarted stream: its writer has just closed its files, so there is nothing to
				// recover, and scanning its directory (however many files) would only delay the caller.
				// The IDs it handed out (a file a failed write left unindexed) are not reused.
				s.ids.last = max(s.ids.last, old.ids.current())
			} else if r.recovered {
				// The stream's directory may hold segments of an earlier camera of this name, which no
				// recovery has seen.
				r.recoverOne(s)
			}
			fresh = append(fresh, s)
		}
	}

	r.mu.Lock()
	defer r.mu.Unlock()
	for _, s := range stop {
		delete(r.streams, s.key)
	}
	for _, s := range fresh {
		r.streams[s.key] = s
	}
	applied := cams[:0:0]
	order := make([]*stream, 0, len(r.streams))
	for _, c := range cams {
		if failed[c.Name] {
			continue
		}
		applied = append(applied, c)
		for _, name := range []string{"main", "sub"} {
			if s, ok := r.streams[c.Name+"/"+name]; ok {
				order = append(order, s)
			}
		}
	}
	r.cfg.Cameras, r.order = applied, order
	for _, c := range applied {
		if s, ok := r.streams[c.Name+"/main"]; ok && keep[c.Name] {
			m := c.Motion
			s.motion.Store(&m) // the detector picks it up at its next batch
			s.det.snaps.src.Store(&snapSources{url: c.SnapshotURL, camera: c.URL})
		}
	}
	if r.runCtx != nil {
		for _, s := range fresh {
			s.start(r.runCtx)
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("recorder: set cameras: %w", errors.Join(errs...))
	}
	return nil
}

// streamsDiffer reports whether b needs the camera's streams restarted, compared with a.
func streamsDiffer(a, b CameraConfig) bool {
	return a.URL != b.URL || a.SubURL != b.SubURL || transportOf(a) != transportOf(b) || a.Disabled != b.Disabled ||
		onvifEvents(a) != onvifEvents(b)
}

// onvifEvents is the ONVIF device URL whose events a camera follows; "" = none.
func onvifEvents(c CameraConfig) string {
	if c.ONVIF == nil || !c.ONVIF.Events {
		return ""
	}
	return c.ONVIF.URL
}

func transportOf(c CameraConfig) string {
	if c.Transport == "udp" {
		return "udp"
	}
	return "tcp"
}

// snapshot returns the current cameras and streams, for work that must not hold r.mu throughout.
func (r *Recorder) snapshot() ([]CameraConfig, []*stream) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.cfg.Cameras, r.order
}
