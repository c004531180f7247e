package nvr_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/porchlight/porchlight/recorder/mediatest"
)

// TestBrowserNeighborhood drives the Neighborhood page of node A in a real Chromium, with a second
// in-process node B as the neighbor: A founds a hood and shows an invite with its QR code; B joins with
// the code through its API; A's member list shows both households by name; B's alert with a place
// appears in A's feed and on A's map without a reload, and a second one, while A looks elsewhere, is
// counted unread on A's Neighborhood tab until A opens the feed; an alert A posts with a clip of its camera lets B
// fetch the clip, an MP4 that ffprobe and ffmpeg accept.
func TestBrowserNeighborhood(t *testing.T) {
	mediatest.Require(t, "ffprobe", "ffmpeg")
	baseA, passwordA := startNode(t)
	baseB, passwordB := startNamedNode(t, "Elm Street 14")
	apiA, apiB := apiLogin(t, baseA, "admin", passwordA), apiLogin(t, baseB, "admin", passwordB)
	ctx := browserLogin(t, baseA, "admin", passwordA)

	// Found the hood and invite B.
	err := chromedp.Do(ctx,
		chromedp.Evaluate[chromedp.Void](`location.hash = "#/hood"`),
		chromedp.WaitVisible("#hood-create-name"),
		chromedp.SetValue("#hood-create-name", "Elm Street"),
		chromedp.Click("#hood-create"),
		chromedp.WaitVisible("#invite-create"),
		chromedp.Click("#invite-create"),
		chromedp.WaitVisible("#invite-code"),
	)
	if err != nil {
		t.Fatalf("create a hood and an invite: %v", err)
	}
	pollText(t, ctx, "#hood-name", "Elm Street")
	code := evalJS[string](t, ctx, `document.querySelector("#invite-code").value`)
	if len(code) < 20 {
		t.Fatalf("invite code: got %q, want a code", code)
	}
	waitJS(t, ctx, "the QR code image to load",
		`(i => i.complete && i.naturalWidth > 0)(document.querySelector("#invite-qr"))`)
	qr, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`(async () => {
		const r = await fetch(document.querySelector("#invite-qr").src);
		return [String(r.status), r.headers.get("content-type"), await r.text()];
	})()`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("fetch the QR code: %v", err)
	}
	if qr[0] != "200" || qr[1] != "image/svg+xml" || !strings.Contains(qr[2], "<svg") {
		t.Errorf("#invite-qr: got status %s, type %s, %.60q; want 200, image/svg+xml, an <svg>", qr[0], qr[1], qr[2])
	}
	screenshot(t, ctx, "hood-invite")

	if status, body, _ := apiB.do("POST", "/api/v1/hoods/join", map[string]string{"code": code}); status != http.StatusOK {
		t.Fatalf("B joins: got status %d (%s), want 200", status, body)
	}
	waitJS(t, ctx, "2 members by name in A's list", `(names =>
		names.length === 2 && names.includes("Elm Street 12") && names.includes("Elm Street 14")
	)([...document.querySelectorAll("#member-list li[data-id] .member-name")].map(e => e.textContent))`)

	// B's alert reaches A's open page: the feed and the map, no reload (the marker survives).
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`window.noReload = true`)); err != nil {
		t.Fatal(err)
	}
	var fromB struct{ ID string }
	status, body, _ := apiB.do("POST", "/api/v1/alerts", map[string]any{"text": "A white van is circling the block",
		"category": "suspicious", "lat": 40.7128, "lon": -74.0060})
	if status != http.StatusCreated || json.Unmarshal(body, &fromB) != nil || fromB.ID == "" {
		t.Fatalf("B posts an alert: got status %d (%s), want 201 with an id", status, body)
	}
	item := fmt.Sprintf(`#alert-feed li[data-id=%q]`, fromB.ID)
	waitJS(t, ctx, "B's alert in A's feed", `!!document.querySelector(`+jsString(item)+`)`)
	if got := evalJS[string](t, ctx, `document.querySelector(`+jsString(item)+`).textContent`); !strings.Contains(got, "Elm Street 14") ||
		!strings.Contains(got, "A white van is circling the block") {
		t.Errorf("B's alert in A's feed: got %q, want its author and text", got)
	}
	dot := fmt.Sprintf(`#alert-map svg circle[data-id=%q]`, fromB.ID)
	if !evalJS[bool](t, ctx, `!!document.querySelector(`+jsString(dot)+`)`) {
		t.Errorf("no dot %s on A's map", dot)
	}
	if !evalJS[bool](t, ctx, `window.noReload === true`) {
		t.Errorf("A's page reloaded to show the alert; want it added live")
	}

	// A's open feed showed B's alert, so the household has read it. Away from the feed, B's next alert is
	// counted on the Neighborhood tab until A opens the feed again.
	mediatest.WaitFor(t, 10*time.Second, "B's alert read on A", func() bool {
		status, body, _ := apiA.do("GET", "/api/v1/alerts/unread", nil)
		return status == http.StatusOK && strings.Contains(string(body), `"unread":0`)
	})
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`location.hash = "#/live"`)); err != nil {
		t.Fatal(err)
	}
	if status, body, _ := apiB.do("POST", "/api/v1/alerts", map[string]any{"text": "The van again, now on Oak Lane"}); status != http.StatusCreated {
		t.Fatalf("B posts a second alert: got status %d (%s), want 201", status, body)
	}
	waitJS(t, ctx, "1 unread on A's Neighborhood tab", `(b => !b.hidden && b.textContent === "1")(document.querySelector("#alert-badge"))`)
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`location.hash = "#/hood"`)); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "no unread badge once A's feed shows the alert", `document.querySelector("#alert-badge").hidden`)

	// A posts an alert with 4 s of its camera; B fetches the clip.
	start, end := latestSpan(t, apiA, "front", 6*time.Second)
	clipStart := end.Add(-5 * time.Second).Truncate(time.Second)
	clipEnd := clipStart.Add(4 * time.Second)
	const local = "2006-01-02T15:04:05" // a datetime-local value; the browser and the test share a zone
	waitJS(t, ctx, "camera front in #alert-camera", `!!document.querySelector('#alert-camera option[value="front"]')`)
	err = chromedp.Do(ctx,
		chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(() => {
			document.querySelector("#alert-camera").value = "front";
			document.querySelector("#alert-start").value = %q;
			document.querySelector("#alert-end").value = %q;
		})()`, clipStart.In(time.Local).Format(local), clipEnd.In(time.Local).Format(local))),
		chromedp.SetValue("#alert-text", "Someone tried the gate at number 12"),
		chromedp.Click("#alert-post"),
	)
	if err != nil {
		t.Fatalf("post an alert with a clip of %s..%s (recorded %s..%s): %v", clipStart, clipEnd, start, end, err)
	}
	fromA := waitJS(t, ctx, "A's alert with a clip in the feed", `(li => li ? li.dataset.id : "")(
		[...document.querySelectorAll("#alert-feed li[data-id]")].find(li => li.textContent.includes("tried the gate") && li.querySelector(".alert-play")))`)
	if msg := evalJS[string](t, ctx, `document.querySelector("#alert-error").textContent`); msg != "" {
		t.Errorf("#alert-error: got %q, want none", msg)
	}
	screenshot(t, ctx, "hood")

	mediatest.WaitFor(t, 30*time.Second, "A's alert at B", func() bool {
		status, body, _ := apiB.do("GET", "/api/v1/alerts", nil)
		return status == http.StatusOK && strings.Contains(string(body), `"id":"`+fromA+`"`)
	})
	status, clip, resp := apiB.do("GET", "/api/v1/alerts/"+fromA+"/clip.mp4", nil)
	if status != http.StatusOK || resp.Header.Get("Content-Type") != "video/mp4" {
		t.Fatalf("B fetches the clip: got status %d, type %q (%.200s), want 200 video/mp4", status, resp.Header.Get("Content-Type"), clip)
	}
	path := filepath.Join(t.TempDir(), "clip.mp4")
	if err := os.WriteFile(path, clip, 0o644); err != nil {
		t.Fatal(err)
	}
	probe := mediatest.ProbeFile(t, path)
	t.Logf("clip from B: %d bytes, %s", len(clip), probe.Duration())
	if d := probe.Duration(); d < 3800*time.Millisecond || d > 4200*time.Millisecond {
		t.Errorf("clip duration %s, want 4s ± 0.2s", d)
	}
	if _, ok := probe.Stream("video"); !ok {
		t.Errorf("clip has no video stream")
	}
	mediatest.DecodeClean(t, path)
}

// waitJS polls the JavaScript expression until it is truthy and returns it as text; it fails the test
// after 30 s.
func waitJS(t *testing.T, ctx context.Context, what, expr string) string {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Poll[any](expr, chromedp.WithPollingInterval(100*time.Millisecond)))
	if err != nil {
		t.Fatalf("waiting for %s: %v", what, err)
	}
	return fmt.Sprint(v)
}

// latestSpan waits until camera's latest recorded span on the node holds at least d and returns it.
func latestSpan(t *testing.T, s *apiSession, camera string, d time.Duration) (time.Time, time.Time) {
	t.Helper()
	var span struct{ Start, End time.Time }
	mediatest.WaitFor(t, 40*time.Second, fmt.Sprintf("%s of %s recorded", d, camera), func() bool {
		status, body, _ := s.do("GET", "/api/v1/cameras/"+camera+"/recordings", nil)
		var spans []struct{ Start, End time.Time }
		if status != http.StatusOK || json.Unmarshal(body, &spans) != nil || len(spans) == 0 {
			return false
		}
		span = spans[len(spans)-1]
		return span.End.Sub(span.Start) >= d
	})
	return span.Start, span.End
}
