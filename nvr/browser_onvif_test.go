//go:build linux

package nvr_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/porchlight/porchlight/internal/testutil"
	"github.com/porchlight/porchlight/nvr"
	"github.com/porchlight/porchlight/recorder/onvif/onviftest"
)

// TestBrowserFindCameras finds a camera the way an owner does: the third-party ONVIF device (the onvif npm
// package's recorded device) answers in its own network namespace behind a veth, which the node's
// discovery block names as the only interface to probe. "Find cameras" lists it, choosing it and giving
// its user and password fills the main, snapshot and ONVIF URLs, and after Save the node follows the
// camera's own motion events: an event of kind camera appears.
func TestBrowserFindCameras(t *testing.T) {
	n := onviftest.NewCamNet(t)
	dev := onviftest.StartPeer(t, n.NS, n.CamIP, 10101)
	res, err := nvr.Init(t.TempDir(), nvr.RoleHousehold, "Elm Street 12")
	if err != nil {
		t.Fatal(err)
	}
	base, password := runInitNode(t, res, func(b []byte) []byte {
		b = regexp.MustCompile(`(?m)^  interfaces: \[\]`).ReplaceAll(b, []byte(fmt.Sprintf("  interfaces: [%s]", n.HostIF)))
		return regexp.MustCompile(`(?m)^  wait: 3s`).ReplaceAll(b, []byte("  wait: 1s"))
	})
	ctx := browserLogin(t, base, "admin", password)
	err = chromedp.Do(ctx,
		chromedp.WaitVisible(`header a[data-view=cameras]`),
		chromedp.Click(`header a[data-view=cameras]`),
		chromedp.WaitVisible(`#cam-add`),
		chromedp.Click(`#cam-add`),
		chromedp.WaitVisible(`#cam-form`),
		chromedp.Click(`#cam-find`),
	)
	if err != nil {
		t.Fatalf("opening the form: %v", err)
	}
	pollText(t, ctx, "#cam-found", "PREDATOR · HD_PREDATOR — "+n.CamIP+":10101")
	screenshot(t, ctx, "cameras-found")
	err = chromedp.Do(ctx,
		chromedp.Click(`#cam-found button`),
		chromedp.WaitVisible(`#cam-find-login`),
		chromedp.SendKeys(`#cam-form [name=onvif_user]`, "admin"),
		chromedp.SendKeys(`#cam-form [name=onvif_pass]`, "pass word"),
		chromedp.Click(`#cam-find-use`),
	)
	if err != nil {
		t.Fatalf("choosing the camera: %v", err)
	}
	pollText(t, ctx, "#cam-find-status.ok", "Mockup Manufacturer Mockup Model · main H264 1920x1080")
	screenshot(t, ctx, "cameras-found-filled")
	form, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]any](`(f => ({name: f.name.value, url: f.url.value,
		sub_url: f.sub_url.value, snapshot_url: f.snapshot_url.value, onvif_url: f.onvif_url.value,
		events: f.onvif_events.checked}))(document.querySelector("#cam-form"))`))
	if err != nil {
		t.Fatal(err)
	}
	name, main, sub, snap, onvifURL := form["name"].(string), form["url"].(string), form["sub_url"].(string),
		form["snapshot_url"].(string), form["onvif_url"].(string)
	events, _ := form["events"].(bool)
	want := map[string][2]string{
		"name":         {name, "predator"},
		"url":          {main, "rtsp://admin:pass%20word@" + n.CamIP + "/h264main"},
		"sub_url":      {sub, ""}, // the recorded device gives every profile the same URI
		"snapshot_url": {snap, "http://admin:pass%20word@" + n.CamIP + "/onvif-cgi/jpg/image.cgi?resolution=800x600&compression=20&camera=1"},
		"onvif_url":    {onvifURL, strings.Replace(dev, "http://", "http://admin:pass%20word@", 1)},
	}
	for k, v := range want {
		if v[0] != v[1] {
			t.Errorf("form %s: got %q, want %q", k, v[0], v[1])
		}
	}
	if !events {
		t.Error("the device has events; the form's events box is not checked")
	}
	if err := chromedp.Do(ctx, chromedp.Click(`#cam-save`), chromedp.WaitNotVisible(`#cam-form`)); err != nil {
		t.Fatalf("saving: %v", err)
	}
	admin := apiLogin(t, base, "admin", password)
	code, body, _ := admin.do("GET", "/api/v1/config/cameras", nil)
	if code != 200 || !strings.Contains(string(body), `"onvif":{"url":"http://admin:xxxxx@`+n.CamIP+`:10101/onvif/device_service","events":true}`) ||
		strings.Contains(string(body), "pass%20word") {
		t.Errorf("config cameras: got %d %s, want predator with its ONVIF device, password masked", code, body)
	}
	testutil.WaitFor(t, 30*time.Second, "an event of kind camera from the device", func() bool {
		code, body, _ := admin.do("GET", "/api/v1/events?camera=predator&kind=camera", nil)
		return code == 200 && strings.Contains(string(body), `"kind":"camera"`)
	})
}
