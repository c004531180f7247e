package nvr_test

import (
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/porchlight/porchlight/nvr"
	"github.com/porchlight/porchlight/recorder/mediatest"
)

// TestBrowserPicturesHelp runs a node whose recorder started without ffmpeg on PATH, on a camera with a
// zone and no snapshot_url, so its events have no picture and its zone is not checked. In Chromium: an
// Events card without a picture says why and what to do (install ffmpeg, or set snapshot_url); the
// Cameras view says the same under the camera's row, with the unchecked zone, and so does its form.
func TestBrowserPicturesHelp(t *testing.T) {
	cam := startMotionCamera(t)
	res, err := nvr.Init(t.TempDir(), nvr.RoleHousehold, "Elm Street 12")
	if err != nil {
		t.Fatal(err)
	}
	path := os.Getenv("PATH")
	t.Setenv("PATH", t.TempDir()) // the recorder looks for ffmpeg when the camera's stream starts
	base, password := runInitNode(t, res, func(b []byte) []byte {
		return regexp.MustCompile(`(?m)^cameras: \[\]`).ReplaceAll(b, []byte(fmt.Sprintf("cameras:\n  - name: front\n"+
			"    url: %s\n    motion: {pre_roll: 1s, post_roll: 2s, zones: [[[0, 0], [1, 0], [1, 1], [0, 1]]]}\n", cam.URL())))
	})
	admin := apiLogin(t, base, "admin", password)
	var closed apiEvent
	mediatest.WaitFor(t, 60*time.Second, "a closed event", func() bool {
		for _, e := range listEvents(t, admin, "camera=front&limit=5") {
			if e.End != nil {
				closed = e
				return true
			}
		}
		return false
	})
	if closed.Snapshot != nil {
		t.Fatalf("event %+v has a snapshot without ffmpeg or snapshot_url", closed)
	}
	_, body, _ := admin.do("GET", "/api/v1/cameras", nil)
	var status []struct {
		Name, Stream string
		Pictures     *cameraPictures
	}
	if err := json.Unmarshal(body, &status); err != nil || len(status) == 0 || status[0].Pictures == nil ||
		status[0].Pictures.SnapshotSource != "" || status[0].Pictures.ZonesNote == "" {
		t.Fatalf("cameras %s (%v): want front without a snapshot source and with a zones note", body, err)
	}
	os.Setenv("PATH", path) // the stream has started without ffmpeg; the browser's helpers may need PATH
	ctx := browserLogin(t, base, "admin", password)
	text := func(sel string) string {
		return evalJS[string](t, ctx, fmt.Sprintf(`(e => e ? e.textContent : "")(document.querySelector(%s))`, jsString(sel)))
	}
	want := func(where, got string, subs ...string) {
		t.Helper()
		for _, s := range subs {
			if !strings.Contains(got, s) {
				t.Errorf("%s: %q, want it to say %q", where, got, s)
			}
		}
	}

	// Events: the card says what is missing, and under it what to do.
	card := fmt.Sprintf(`#ev-grid .ev-card[data-id="%d"]`, closed.ID)
	if err := chromedp.Do(ctx, chromedp.Click(`header a[data-view=events]`), chromedp.WaitVisible(card+" .ev-nopic")); err != nil {
		t.Fatalf("events view: %v", err)
	}
	want("the card's placeholder", text(card+" .ev-nopic"), "no picture: ffmpeg not found on PATH and no snapshot_url")
	want("the card's fix", text(card+` .ev-why .ev-fix[data-problem="no-snapshots"]`), "sudo apt install ffmpeg", "snapshot_url")
	screenshot(t, ctx, "pictures-events")

	// Cameras: under front's row, and in its form.
	row := `#cam-list tr.cam-pics[data-camera="front"]`
	if err := chromedp.Do(ctx, chromedp.Click(`header a[data-view=cameras]`), chromedp.WaitVisible(row)); err != nil {
		t.Fatalf("cameras view: %v", err)
	}
	for _, where := range []string{row, "#cam-pics"} {
		if where == "#cam-pics" {
			if err := chromedp.Do(ctx, chromedp.Click(`#cam-list tr[data-camera="front"] .cam-edit`), chromedp.WaitVisible("#cam-pics")); err != nil {
				t.Fatalf("camera form: %v", err)
			}
		}
		snaps, zones := where+` .pics-item[data-problem="no-snapshots"]`, where+` .pics-item[data-problem="zones"]`
		want(where+" snapshots", text(snaps+" .pics-what"), "Events of this camera have no picture", "ffmpeg not found on PATH and no snapshot_url")
		want(where+" snapshots, what to do", text(snaps+" .pics-todo"), "sudo apt install ffmpeg", "restart Porchlight", "snapshot_url")
		want(where+" zones", text(zones+" .pics-what"), "zones and masks are not checked")
		want(where+" zones, what to do", text(zones+" .pics-todo"), "sudo apt install ffmpeg")
	}
	screenshot(t, ctx, "pictures-camera-form")
}
