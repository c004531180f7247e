package nvr_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// BenchmarkBrowserLiveLatency measures, in a real Chromium, how far the live picture is behind the
// camera: the page's player compares the wall time of the frame on screen (the stream's X-Live-Origin plus
// the video's currentTime) with the clock. It samples once a second for 15 s after playback starts and
// reports the mean and the worst, and the time from login to the first frame playing. The camera has just
// started, so nobody watched it before: the first frame waits for its next keyframe (GOP 2 s). Runs once
// whatever b.N.
func BenchmarkBrowserLiveLatency(b *testing.B) {
	base, password := startNode(b)
	ctx := browserLogin(b, base, "admin", password)
	// Time to first frame: from the live page showing (right after login) to the video playing.
	loggedIn := time.Now()
	for {
		t, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`document.querySelector("#grid video")?.currentTime || 0`))
		if err != nil {
			b.Fatal(err)
		}
		if t > 0 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	b.ReportMetric(float64(time.Since(loggedIn).Milliseconds()), "ms-first-frame")
	var sum, worst float64
	n := 0
	deadline := time.Now().Add(30 * time.Second)
	for n < 15 && time.Now().Before(deadline) {
		time.Sleep(time.Second)
		lag, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`state.players[0].latency() || -1`))
		if err != nil {
			b.Fatal(err)
		}
		if lag < 0 {
			continue // not playing yet
		}
		sum += lag
		worst = max(worst, lag)
		n++
	}
	if n == 0 {
		b.Fatal("the live video never played")
	}
	b.ReportMetric(sum/float64(n), "s-latency-mean")
	b.ReportMetric(worst, "s-latency-max")
}

// BenchmarkBrowserTimelineSeek measures, in Chromium, the time from a click on the timeline to recorded
// footage playing from that moment (the "seek within about half a second"): the timeline is
// zoomed to two minutes around the recording, then five clicks on the span, each loading a new clip.
// Runs once whatever b.N.
func BenchmarkBrowserTimelineSeek(b *testing.B) {
	base, password := startNode(b)
	ctx := browserLogin(b, base, "admin", password)
	err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`location.hash = "#/timeline"`),
		chromedp.WaitVisible("#timeline #tl-svg rect.span"))
	if err != nil {
		b.Fatal(err)
	}
	time.Sleep(12 * time.Second) // footage to click on
	at := time.Now().Add(-6 * time.Second)
	hash := fmt.Sprintf("#/timeline?camera=front&day=%s&t=%s&zoom=120", at.Format("2006-01-02"), at.Format("15:04:05"))
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](fmt.Sprintf("location.hash = %q", hash))); err != nil {
		b.Fatal(err)
	}
	wide := `(document.querySelector("#tl-svg rect.span")?.getBBox().width || 0) > 50`
	playing := `(v => !v.paused && v.readyState >= 3 && v.currentTime > 0.05)(document.querySelector("#tl-video"))`
	poll := func(expr string) {
		for {
			ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](expr))
			if err != nil {
				b.Fatalf("waiting for %s: %v", expr, err)
			}
			if ok {
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	poll(wide)
	var sum, worst time.Duration
	const clicks = 5
	for range clicks {
		if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`document.querySelector("#tl-video").pause()`)); err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		if err := chromedp.Do(ctx, chromedp.Click("#tl-svg rect.span")); err != nil {
			b.Fatal(err)
		}
		poll(playing)
		d := time.Since(start)
		sum += d
		worst = max(worst, d)
	}
	b.ReportMetric(float64(sum.Milliseconds())/clicks, "ms-click-to-play-mean")
	b.ReportMetric(float64(worst.Milliseconds()), "ms-click-to-play-max")
}
