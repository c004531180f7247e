//go:build linux

package onvif_test

import (
	"context"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/porchlight/porchlight/recorder/onvif"
	"github.com/porchlight/porchlight/recorder/onvif/onviftest"
)

// TestProbeFindsDeviceInNamespace sends a real WS-Discovery probe (UDP multicast to 239.255.255.250:3702)
// on a veth into a namespace where the third-party peer answers, then inspects the device it names.
func TestProbeFindsDeviceInNamespace(t *testing.T) {
	n := onviftest.NewCamNet(t)
	dev := onviftest.StartPeer(t, n.NS, n.CamIP, 10101)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	found, err := onvif.Probe(ctx, onvif.ProbeOptions{Interfaces: []string{n.HostIF}, Wait: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if len(found) != 1 {
		t.Fatalf("found %+v, want the one device", found)
	}
	f := found[0]
	if f.Endpoint != "uuid:c9790c3a-701b-464d-a189-0060351c8ada" || !slices.Equal(f.XAddrs, []string{dev}) ||
		f.Name != "PREDATOR" || f.Hardware != "HD_PREDATOR" || f.From != n.CamIP ||
		!slices.Contains(f.Types, "dn:NetworkVideoTransmitter") {
		t.Errorf("found %+v, want the peer at %s", f, dev)
	}
	c, err := onvif.NewClient(f.XAddrs[0], "admin", "pw")
	if err != nil {
		t.Fatal(err)
	}
	cam, err := c.Inspect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(cam.MainURL)
	if u.Hostname() != n.CamIP || cam.Info.Model != "Mockup Model" {
		t.Errorf("inspected %+v: want the stream on %s", cam, n.CamIP)
	}
}

// TestProbeSilence: a probe on an interface where nothing answers returns no device, no error.
func TestProbeSilence(t *testing.T) {
	n := onviftest.NewCamNet(t)
	found, err := onvif.Probe(context.Background(), onvif.ProbeOptions{Interfaces: []string{n.HostIF}, Wait: 300 * time.Millisecond})
	if err != nil || len(found) != 0 {
		t.Errorf("got %v, %v; want nothing", found, err)
	}
	if _, err := onvif.Probe(context.Background(), onvif.ProbeOptions{Interfaces: []string{"no-such-if0"}}); err == nil {
		t.Error("an unknown interface: got no error")
	}
}
