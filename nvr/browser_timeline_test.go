package nvr_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"github.com/porchlight/porchlight/recorder/mediatest"
)

// TestBrowserTimeline opens the timeline in a real Chromium: the day's recorded span is drawn, a
// bookmarked view (camera, day, position, zoom in the URL) is restored, a click inside the span plays
// recorded footage from that moment, and a marked 3 s range downloads as an MP4 that ffprobe and ffmpeg
// accept with the right duration.
func TestBrowserTimeline(t *testing.T) {
	base, password := startNode(t)
	ctx := browserLogin(t, base, "admin", password)
	downloads := t.TempDir()
	if _, err := chromedp.CallBrowser(ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
		Behavior: "allow", DownloadPath: downloads}); err != nil {
		t.Fatal(err)
	}
	err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`location.hash = "#/timeline"`),
		chromedp.WaitVisible("#timeline #tl-svg rect.span"))
	if err != nil {
		t.Fatalf("log in and wait for the span: %v", err)
	}

	// The page refreshes today's spans every 5 s; wait until the span holds 7 s of footage.
	var start, end time.Time
	mediatest.WaitFor(t, 40*time.Second, "7 s recorded on the timeline", func() bool {
		start, end = spanTimes(t, ctx)
		return end.Sub(start) >= 7*time.Second
	})

	// A bookmark: position 4 s into the span, 2 minutes shown.
	at := start.Add(4 * time.Second).In(time.Local)
	hash := fmt.Sprintf("#/timeline?camera=front&day=%s&t=%s&zoom=120", at.Format("2006-01-02"), at.Format("15:04:05"))
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](fmt.Sprintf("location.hash = %q", hash))); err != nil {
		t.Fatal(err)
	}
	mediatest.WaitFor(t, 10*time.Second, "the bookmarked zoom and position", func() bool {
		return evalJS[float64](t, ctx, `document.querySelector("#tl-svg rect.span")?.getBBox().width || 0`) > 50 &&
			evalJS[string](t, ctx, `document.querySelector("#tl-clock").textContent`) != ""
	})
	if got, want := evalJS[string](t, ctx, `document.querySelector("#tl-clock").textContent`), at.Format("15:04:05"); got != want {
		t.Errorf("bookmarked position: got clock %q, want %q", got, want)
	}

	// Click inside the span: recorded footage plays from there.
	cued := evalJS[string](t, ctx, `document.querySelector("#tl-video").src`)
	if got, want := queryTime(t, cued, "start"), at.Truncate(time.Second); !got.Equal(want) {
		t.Errorf("bookmarked video starts at %s, want %s", got, want)
	}
	if err := chromedp.Do(ctx, chromedp.Click("#tl-svg rect.span")); err != nil {
		t.Fatal(err)
	}
	mediatest.WaitFor(t, 20*time.Second, "the recorded video to play", func() bool {
		return evalJS[bool](t, ctx, `(v => !v.paused && v.readyState >= 3 && v.currentTime > 0.7)(document.querySelector("#tl-video"))`)
	})
	src := evalJS[string](t, ctx, `document.querySelector("#tl-video").src`)
	clipStart := queryTime(t, src, "start")
	if src == cued || clipStart.Before(start) || !clipStart.Before(end) {
		t.Errorf("playing %s; want a new clip from inside the clicked span [%s, %s]", src, start, end)
	}
	if n := evalJS[int](t, ctx, `document.querySelectorAll("#tl-svg line.playhead").length`); n != 1 {
		t.Errorf("playhead lines: got %d, want 1", n)
	}
	screenshot(t, ctx, "timeline-playing")

	// Export a marked 3 s range and check the downloaded file.
	from := start.Add(2 * time.Second).Truncate(time.Second).In(time.Local)
	err = chromedp.Do(ctx,
		chromedp.SetValue(`#tl-export [name=from]`, from.Format("15:04:05")),
		chromedp.SetValue(`#tl-export [name=to]`, from.Add(3*time.Second).Format("15:04:05")),
		chromedp.Click(`#tl-export button[type=submit]`),
		chromedp.WaitVisible(`#tl-exports li a`),
	)
	if err != nil {
		t.Fatalf("export: %v", err)
	}
	name := "front-" + from.Format("20060102-150405") + ".mp4"
	wantBytes := evalJS[int64](t, ctx, `Number(document.querySelector("#tl-exports li a").dataset.bytes)`)
	path := filepath.Join(downloads, name)
	mediatest.WaitFor(t, 20*time.Second, "the download of "+name, func() bool {
		fi, err := os.Stat(path)
		return err == nil && fi.Size() == wantBytes && wantBytes > 0
	})
	if p := evalJS[[]float64](t, ctx, `(p => [p.value, p.max])(document.querySelector("#tl-progress"))`); p[0] != p[1] || int64(p[1]) != wantBytes {
		t.Errorf("progress bar: got %v of %v, want %d of %d", p[0], p[1], wantBytes, wantBytes)
	}
	probe := mediatest.ProbeFile(t, path)
	if d := probe.Duration(); d < 2800*time.Millisecond || d > 3200*time.Millisecond {
		t.Errorf("exported duration %s, want 3s ± 0.2s", d)
	}
	if _, ok := probe.Stream("video"); !ok {
		t.Errorf("export has no video stream")
	}
	mediatest.DecodeClean(t, path)
	screenshot(t, ctx, "timeline-export")

	// Keyboard zoom: + halves the shown range, - doubles it; the URL follows.
	for _, tt := range []struct{ key, want string }{{"+", "zoom=60"}, {"-", "zoom=120"}} {
		t.Run("key "+tt.key, func(t *testing.T) {
			if err := chromedp.Do(ctx, chromedp.Focus("#tl-svg"), chromedp.KeyEvent(tt.key)); err != nil {
				t.Fatal(err)
			}
			mediatest.WaitFor(t, 5*time.Second, "URL with "+tt.want, func() bool {
				return strings.Contains(evalJS[string](t, ctx, "location.hash"), tt.want)
			})
		})
	}

	// The phone layout: the timeline fits the narrow screen.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844)); err != nil {
		t.Fatal(err)
	}
	if w := evalJS[float64](t, ctx, `document.querySelector("#tl-svg").getBoundingClientRect().width`); w > 390 || w < 300 {
		t.Errorf("timeline width on a phone: got %.0f px, want 300..390", w)
	}
	screenshot(t, ctx, "timeline-phone")
}

// evalJS evaluates a JavaScript expression in the page.
func evalJS[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// spanTimes reads the first recorded span the timeline draws.
func spanTimes(t *testing.T, ctx context.Context) (time.Time, time.Time) {
	t.Helper()
	s := evalJS[[]string](t, ctx, `(r => [r.dataset.start, r.dataset.end])(document.querySelector("#tl-svg rect.span"))`)
	start, err1 := time.Parse(time.RFC3339Nano, s[0])
	end, err2 := time.Parse(time.RFC3339Nano, s[1])
	if err1 != nil || err2 != nil {
		t.Fatalf("span times %q: %v %v", s, err1, err2)
	}
	return start, end
}

// queryTime reads an RFC 3339 query parameter of a URL.
func queryTime(t *testing.T, rawURL, key string) time.Time {
	t.Helper()
	_, q, _ := strings.Cut(rawURL, "?")
	for _, kv := range strings.Split(q, "&") {
		if k, v, _ := strings.Cut(kv, "="); k == key {
			ts, err := time.Parse(time.RFC3339Nano, v)
			if err != nil {
				t.Fatalf("%s in %s: %v", key, rawURL, err)
			}
			return ts
		}
	}
	t.Fatalf("no %s in %s", key, rawURL)
	return time.Time{}
}
