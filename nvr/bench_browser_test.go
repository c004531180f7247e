package nvr_test

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// BenchmarkBrowserLiveLatency measures, in a real Chromium, how far the live picture is behind the
// camera: the page's player compares the wall time of the frame on screen (the stream's X-Live-Origin plus
// the video's currentTime) with the clock. It samples once a second for 15 s after playback starts and
// reports the mean and the worst. Runs once whatever b.N.
func BenchmarkBrowserLiveLatency(b *testing.B) {
	base, password := startNode(b)
	ctx := browser(b)
	if err := chromedp.Do(ctx, chromedp.Navigate(base)); err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	err := chromedp.Do(ctx,
		chromedp.WaitVisible("#login-form"),
		chromedp.SetValue(`#login-form [name=password]`, password),
		chromedp.Click(`#login-form button[type=submit]`),
		chromedp.WaitVisible("#grid video"),
	)
	if err != nil {
		b.Fatal(err)
	}
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
