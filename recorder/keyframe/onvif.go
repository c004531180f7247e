package keyframe

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/porchlight/porchlight/recorder/onvif"
)

// ONVIF asks a camera for its snapshot URI over ONVIF, at the device service of the camera URL's host.
type ONVIF struct {
	Client *http.Client     // nil = http.DefaultClient
	Port   int              // device service port; 0 = 80
	Now    func() time.Time // nil = time.Now
}

// SnapshotURI finds the snapshot URI of the camera whose RTSP URL is cameraURL with recorder/onvif:
// GetSystemDateAndTime (the camera's clock, for the security header), GetCapabilities (or GetServices)
// for the media service, GetProfiles for the largest profile, then GetSnapshotUri, with the URL's
// credentials. The URI returned carries the same credentials, ready for FetchSnapshot. Errors never show
// the password.
func (o ONVIF) SnapshotURI(ctx context.Context, cameraURL string) (string, error) {
	cu, err := url.Parse(cameraURL)
	if err != nil || cu.Hostname() == "" {
		return "", errors.New("camera url: no host to ask over ONVIF")
	}
	port := o.Port
	if port == 0 {
		port = 80
	}
	pass, _ := cu.User.Password()
	dev := &url.URL{Scheme: "http", Host: net.JoinHostPort(cu.Hostname(), strconv.Itoa(port)), Path: "/onvif/device_service"}
	c, err := onvif.NewClient(dev.String(), cu.User.Username(), pass)
	if err != nil {
		return "", err
	}
	c.HTTP, c.Now, c.Timeout = o.Client, o.Now, SnapshotTimeout
	_ = c.SyncClock(ctx) // a camera that does not tell its time may still take ours
	svc, err := c.Services(ctx)
	if err != nil {
		return "", err
	}
	if svc.Media == "" {
		return "", fmt.Errorf("%w (no media service)", ErrNoSnapshotURI)
	}
	profiles, err := c.ListProfiles(ctx, svc.Media)
	if errors.Is(err, onvif.ErrNoMedia) {
		return "", fmt.Errorf("%w (no media profile)", ErrNoSnapshotURI)
	}
	if err != nil {
		return "", err
	}
	u, err := c.SnapshotURI(ctx, svc.Media, profiles[0].Token)
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrNoSnapshotURI, err)
	}
	return u, nil
}
