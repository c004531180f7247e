package nvr

import (
	"fmt"
	"time"

	"github.com/porchlight/porchlight/recorder/onvif"
)

// ONVIFConfig is a camera's ONVIF device (cameras[].onvif), for its own motion events.
type ONVIFConfig struct {
	// URL is the device service, http or https, credentials in the URL
	// (http://user:pass@192.168.1.20/onvif/device_service).
	URL string `yaml:"url"`
	// Events subscribes to the camera's motion events (PullPoint); they become events of kind "camera".
	Events bool `yaml:"events"`
}

// validate checks the block; errors start with the key under onvif and never show the password.
func (o *ONVIFConfig) validate() error {
	if o.URL == "" {
		return fmt.Errorf("url: required (the device service, e.g. http://192.168.1.20/onvif/device_service)")
	}
	if err := validateHTTPURL(o.URL); err != nil {
		return fmt.Errorf("url: %w", err)
	}
	return nil
}

// DiscoveryConfig configures "Find cameras" (POST /api/v1/cameras/discover): an ONVIF WS-Discovery probe,
// UDP multicast to 239.255.255.250:3702.
type DiscoveryConfig struct {
	// Interfaces are the network interfaces probed; empty = every up IPv4 multicast interface but loopback.
	Interfaces []string `yaml:"interfaces"`
	Wait       Duration `yaml:"wait"` // how long answers are collected
}

// Bounds of discovery.wait.
const (
	minDiscoveryWait = 100 * time.Millisecond
	maxDiscoveryWait = 30 * time.Second
)

func (d DiscoveryConfig) validate() error {
	for i, n := range d.Interfaces {
		if n == "" || len(n) > 15 {
			return fmt.Errorf("discovery.interfaces[%d]: must be an interface name of 1 to 15 characters", i)
		}
	}
	if w := time.Duration(d.Wait); w < minDiscoveryWait || w > maxDiscoveryWait {
		return fmt.Errorf("discovery.wait: must be between %s and %s", minDiscoveryWait, maxDiscoveryWait)
	}
	return nil
}

// probeOptions is the probe the discovery block asks for.
func (d DiscoveryConfig) probeOptions() onvif.ProbeOptions {
	return onvif.ProbeOptions{Interfaces: d.Interfaces, Wait: time.Duration(d.Wait)}
}
