package nvr

import (
	"context"
	"errors"
	"fmt"
	"net/url"

	"github.com/porchlight/porchlight/recorder/onvif"
	"github.com/porchlight/porchlight/ui"
)

// cameraFinder finds cameras on the LAN for the API (ui.CameraFinder) with recorder/onvif: the probe as
// the config's discovery block says, and an inspection with the owner's credentials.
type cameraFinder struct {
	discovery DiscoveryConfig
}

func (f cameraFinder) Discover(ctx context.Context) ([]ui.FoundCamera, error) {
	found, err := onvif.Probe(ctx, f.discovery.probeOptions())
	if err != nil {
		return nil, err
	}
	out := make([]ui.FoundCamera, len(found))
	for i, d := range found {
		out[i] = ui.FoundCamera{Endpoint: d.Endpoint, XAddrs: d.XAddrs, Name: d.Name, Hardware: d.Hardware,
			Scopes: d.Scopes, From: d.From}
	}
	return out, nil
}

func (f cameraFinder) InspectONVIF(ctx context.Context, xaddr, user, password string) (*ui.ONVIFCamera, error) {
	c, err := onvif.NewClient(xaddr, user, password)
	if err != nil {
		return nil, err
	}
	cam, err := c.Inspect(ctx)
	if errors.Is(err, onvif.ErrUnauthorized) {
		return nil, fmt.Errorf("%s: %w", c.Device(), ui.ErrCameraRefused)
	}
	if err != nil {
		return nil, err
	}
	dev, _ := url.Parse(c.Device())
	if user != "" {
		dev.User = url.UserPassword(user, password)
	}
	out := &ui.ONVIFCamera{Device: cam.Device, Manufacturer: cam.Info.Manufacturer, Model: cam.Info.Model,
		Firmware: cam.Info.Firmware, Serial: cam.Info.Serial, MainURL: cam.MainURL, SubURL: cam.SubURL,
		SnapshotURL: cam.SnapshotURL, ONVIFURL: dev.String(), Events: cam.Events}
	for _, p := range cam.Profiles {
		out.Profiles = append(out.Profiles, ui.ONVIFProfile(p))
	}
	return out, nil
}
