package nvr

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/porchlight/porchlight/recorder"
	"github.com/porchlight/porchlight/ui"
)

// cameraAdmin adapts the node's camera configuration to what the HTTP API needs (ui.CameraAdmin).
type cameraAdmin struct {
	n  *Node
	mu sync.Mutex // serialises EditCameras: read, edit and ApplyCameras as one step
}

// configuredCameras returns a copy of the node's cameras.
func (a *cameraAdmin) configuredCameras() []CameraConfig {
	a.n.camMu.Lock()
	defer a.n.camMu.Unlock()
	return slices.Clone(a.n.cfg.Cameras)
}

// CameraSettings returns the cameras of the config, passwords included (the API masks them).
func (a *cameraAdmin) CameraSettings() []ui.CameraSettings {
	cams := a.configuredCameras()
	out := make([]ui.CameraSettings, len(cams))
	for i, c := range cams {
		out[i] = ui.CameraSettings{Name: c.Name, URL: c.URL, Transport: string(c.Transport), SubURL: c.SubURL,
			Enabled: c.Enabled, SnapshotURL: c.SnapshotURL}
		if c.ONVIF != nil {
			out[i].ONVIF = &ui.ONVIFSettings{URL: c.ONVIF.URL, Events: c.ONVIF.Events}
		}
		if c.Location != nil {
			l := ui.Location(*c.Location)
			out[i].Location = &l
		}
		m := c.Motion.settings()
		out[i].Motion = &m
	}
	return out
}

// EditCameras applies edit to the configured cameras, validates the result as the config file is
// validated (errors name the key and match ui.ErrBadRequest), then writes and applies it. A camera keeps
// the keys the API does not show (its retention) when its name stays.
func (a *cameraAdmin) EditCameras(edit func([]ui.CameraSettings) ([]ui.CameraSettings, error)) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	old := a.configuredCameras()
	next, err := edit(a.CameraSettings())
	if err != nil {
		return err
	}
	cams := make([]CameraConfig, len(next))
	for i, s := range next {
		c := DefaultCamera()
		if j := slices.IndexFunc(old, func(o CameraConfig) bool { return o.Name == s.Name }); j >= 0 {
			c = old[j]
		}
		c.Name, c.URL, c.Transport, c.SubURL, c.Enabled = s.Name, s.URL, Transport(s.Transport), s.SubURL, s.Enabled
		c.SnapshotURL, c.ONVIF = s.SnapshotURL, nil
		if s.ONVIF != nil {
			c.ONVIF = &ONVIFConfig{URL: s.ONVIF.URL, Events: s.ONVIF.Events}
		}
		c.Location = nil
		if s.Location != nil {
			l := Location(*s.Location)
			c.Location = &l
		}
		if s.Motion != nil {
			m, err := motionFromSettings(*s.Motion)
			if err != nil {
				return invalidConfig{fmt.Errorf("cameras[%d].motion.%w", i, err)}
			}
			c.Motion = &m
		}
		cams[i] = c
	}
	a.n.camMu.Lock()
	cfg := *a.n.cfg
	a.n.camMu.Unlock()
	cfg.Cameras = cams
	if err := cfg.Validate(); err != nil {
		return invalidConfig{err}
	}
	if err := a.n.ApplyCameras(cams); err != nil {
		return fmt.Errorf("cameras: %w", err)
	}
	return nil
}

// Probe probes a camera stream with the recorder's Probe.
func (a *cameraAdmin) Probe(ctx context.Context, url, transport string) (*ui.ProbeResult, error) {
	r, err := recorder.Probe(ctx, url, transport)
	if err != nil {
		return nil, err
	}
	return &ui.ProbeResult{VideoCodec: r.VideoCodec, Width: r.Width, Height: r.Height, FPS: r.FPS,
		AudioCodec: r.AudioCodec, SampleRate: r.SampleRate, Channels: r.Channels}, nil
}

// invalidConfig is a change the config's validation refused; its message names the key.
type invalidConfig struct{ err error }

func (e invalidConfig) Error() string { return e.err.Error() }
func (e invalidConfig) Unwrap() error { return e.err }

// Is makes invalidConfig match ui.ErrBadRequest (400).
func (e invalidConfig) Is(target error) bool { return errors.Is(ui.ErrBadRequest, target) }
