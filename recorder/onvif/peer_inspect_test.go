package onvif_test

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/porchlight/porchlight/recorder/onvif"
	"github.com/porchlight/porchlight/recorder/onvif/onviftest"
)

// TestInspectRecordedDevice reads the recorded device of the third-party peer: make and model, the
// media service (whose XAddr names a LAN address of the recording, 192.168.68.111, reached instead where
// the device answered), the profiles, and stream and snapshot URIs with the credentials added. The
// device's clock says 2014: the client follows it.
func TestInspectRecordedDevice(t *testing.T) {
	dev := onviftest.StartPeer(t, "", "127.0.0.1", onviftest.FreePort(t))
	u, _ := url.Parse(dev)
	c, err := onvif.NewClient(strings.Replace(dev, "http://", "http://admin:s3cret%2F@", 1), "", "")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(c.Device(), "s3cret") {
		t.Errorf("Device() = %q shows the password", c.Device())
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cam, err := c.Inspect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if skew := c.Skew(); skew > -10*365*24*time.Hour {
		t.Errorf("skew %v: want the recorded device's 2014 clock (years behind)", skew)
	}
	if cam.Info.Manufacturer != "Mockup Manufacturer" || cam.Info.Model != "Mockup Model" || cam.Info.Firmware != "Mockup_15_14_13" {
		t.Errorf("info %+v", cam.Info)
	}
	if len(cam.Profiles) == 0 || cam.Profiles[0].Encoding != "H264" || cam.Profiles[0].Width != 1920 || cam.Profiles[0].Height != 1080 {
		t.Errorf("profiles %+v, want the 1920x1080 H264 main first", cam.Profiles)
	}
	if want := "rtsp://admin:s3cret%2F@" + u.Hostname() + "/h264main"; cam.MainURL != want {
		t.Errorf("main %q, want %q", cam.MainURL, want)
	}
	if want := "http://admin:s3cret%2F@" + u.Hostname() + "/onvif-cgi/jpg/image.cgi?resolution=800x600&compression=20&camera=1"; cam.SnapshotURL != want {
		t.Errorf("snapshot %q, want %q", cam.SnapshotURL, want)
	}
	if !cam.Events {
		t.Error("the device has an events service; Events false")
	}
}

// TestPullPointRecordedDevice subscribes to the peer's events and pulls until a CellMotionDetector
// message arrives (the peer puts one in about three pulls of four), then unsubscribes. The peer has no
// Renew: its fault must come back as a fault.
func TestPullPointRecordedDevice(t *testing.T) {
	dev := onviftest.StartPeer(t, "", "127.0.0.1", onviftest.FreePort(t))
	c, err := onvif.NewClient(dev, "admin", "pw")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := c.SyncClock(ctx); err != nil {
		t.Fatal(err)
	}
	svc, err := c.Services(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sub, err := c.Subscribe(ctx, svc.Events, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if sub.Termination.IsZero() {
		t.Error("no termination time read from CreatePullPointSubscriptionResponse")
	}
	motion := 0
	for i := 0; i < 40 && motion == 0; i++ {
		ns, err := sub.Pull(ctx, time.Second)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range ns {
			on, ok := n.Motion()
			if !ok || !on || n.Topic != "RuleEngine/CellMotionDetector/Motion" || n.Source["VideoSourceConfigurationToken"] != "000" {
				t.Fatalf("notification %+v: want CellMotionDetector IsMotion true", n)
			}
			motion++
		}
	}
	if motion == 0 {
		t.Fatal("40 pulls brought no motion message")
	}
	var f *onvif.Fault
	if err := sub.Renew(ctx, time.Minute); !errors.As(err, &f) {
		t.Errorf("Renew on a device without it: got %v, want its fault", err)
	}
	if err := sub.Unsubscribe(ctx); err != nil {
		t.Errorf("Unsubscribe: %v", err)
	}
}
