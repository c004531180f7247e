package nvr_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"path"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// BenchmarkBrowserLiveLatencyHLS is BenchmarkBrowserLiveLatency on the HLS path: Chromium's own HLS
// player (the live view forced with ?player=hls) on the same kind of node and camera, sampled the same
// way (once a second for 15 s after playback starts: now minus the wall time of the frame shown). The
// wall time of the frame shown comes from the playlist instead of X-Live-Origin, since Chromium's player
// starts its timeline at 0 where it joined: a proxy in front of the node notes the first media segment
// or part Chromium fetched, and its EXT-X-PROGRAM-DATE-TIME is the wall time of currentTime 0. Runs
// once whatever b.N.
func BenchmarkBrowserLiveLatencyHLS(b *testing.B) {
	base, password := startNode(b)
	target, err := url.Parse(base)
	if err != nil {
		b.Fatal(err)
	}
	var mu sync.Mutex
	var first string // the first segment or part the browser fetched
	rp := httputil.NewSingleHostReverseProxy(target)
	rp.FlushInterval = -1
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.URL.Path, "/hls/") && strings.HasSuffix(r.URL.Path, ".m4s") {
			mu.Lock()
			if first == "" {
				first = path.Base(r.URL.Path)
			}
			mu.Unlock()
		}
		rp.ServeHTTP(w, r)
	}))
	b.Cleanup(proxy.Close)
	ctx := browserLogin(b, proxy.URL, "admin", password)
	if err := chromedp.Do(ctx, chromedp.Navigate(proxy.URL+"/#/live?player=hls")); err != nil {
		b.Fatal(err)
	}
	shown := time.Now()
	for {
		t, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`document.querySelector("#grid video")?.currentTime || 0`))
		if err != nil {
			b.Fatal(err)
		}
		if t > 0 {
			break
		}
		if time.Since(shown) > time.Minute {
			b.Fatal("the live video never played")
		}
		time.Sleep(10 * time.Millisecond)
	}
	b.ReportMetric(float64(time.Since(shown).Milliseconds()), "ms-first-frame")
	if p, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#grid .tile").dataset.path`)); err != nil || p != "hls" {
		b.Fatalf("the tile plays by %q (%v), want hls", p, err)
	}
	playlist, err := chromedp.Run(ctx, chromedp.Evaluate[string](`fetch("/api/v1/cameras/front/hls/index.m3u8").then(r => r.text())`,
		chromedp.EvalAwaitPromise))
	if err != nil {
		b.Fatal(err)
	}
	mu.Lock()
	joined := first
	mu.Unlock()
	start, err := mediaStart(playlist, joined)
	if err != nil {
		b.Fatal(err)
	}
	var sum, worst float64
	n := 0
	for n < 15 {
		time.Sleep(time.Second)
		s, err := chromedp.Run(ctx, chromedp.Evaluate[struct {
			Now float64 `json:"now"`
			Ct  float64 `json:"ct"`
		}](`({now: Date.now(), ct: document.querySelector("#grid video").currentTime})`))
		if err != nil {
			b.Fatal(err)
		}
		lag := (s.Now-float64(start.UnixMilli()))/1000 - s.Ct
		sum += lag
		worst = max(worst, lag)
		n++
	}
	b.ReportMetric(sum/float64(n), "s-latency-mean")
	b.ReportMetric(worst, "s-latency-max")
}

// mediaStart returns the wall time at which the resource name (s<MSN>.m4s or p<N>.m4s) of a media
// playlist starts: its segment's EXT-X-PROGRAM-DATE-TIME, plus the parts before it for a part.
func mediaStart(playlist, name string) (time.Time, error) {
	var pdt time.Time
	var into time.Duration // parts of the current segment so far
	for l := range strings.SplitSeq(playlist, "\n") {
		switch {
		case strings.HasPrefix(l, "#EXT-X-PROGRAM-DATE-TIME:"):
			t, err := time.Parse(time.RFC3339Nano, strings.TrimPrefix(l, "#EXT-X-PROGRAM-DATE-TIME:"))
			if err != nil {
				return time.Time{}, err
			}
			pdt, into = t, 0
		case strings.HasPrefix(l, "#EXT-X-PART:"):
			if strings.Contains(l, `URI="`+name) {
				return pdt.Add(into), nil
			}
			var d float64
			fmt.Sscanf(strings.TrimPrefix(l, "#EXT-X-PART:"), "DURATION=%g", &d)
			into += time.Duration(d * float64(time.Second))
		case strings.HasPrefix(l, name):
			return pdt, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q (the first media the browser fetched) is no longer in the playlist:\n%s", name, playlist)
}
