package nvr_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// liveTile is what the test reads of the live grid's first tile.
type liveTile struct {
	Path    string  `json:"path"`
	Stream  string  `json:"stream"`
	Time    float64 `json:"time"`
	Width   int     `json:"width"`
	Message string  `json:"message"`
	Latency float64 `json:"latency"`
}

const readTile = `(() => {
  const t = document.querySelector("#grid .tile"), v = t?.querySelector("video");
  if (!t) return {path: "", stream: "", time: 0, width: 0, message: "", latency: -1};
  const lag = state.players[0]?.latency();
  return {path: t.dataset.path, stream: t.dataset.stream, time: v.currentTime, width: v.videoWidth,
    message: t.querySelector(".message").hidden ? "" : t.querySelector(".message").textContent,
    latency: Number.isFinite(lag) ? lag : -1};
})()`

// waitPlaying waits until the first tile has played two seconds of video, and returns it.
func waitPlaying(t *testing.T, ctx interface{ Done() <-chan struct{} }, what string, run func() (liveTile, error)) liveTile {
	t.Helper()
	deadline := time.Now().Add(45 * time.Second)
	var tile liveTile
	for time.Now().Before(deadline) {
		var err error
		if tile, err = run(); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if tile.Time > 2 {
			return tile
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("%s: the live video did not play: %+v", what, tile)
	return tile
}

// TestBrowserLivePaths plays the live view in Chromium by each path Chromium has: Media Source
// Extensions (its default) and its own HLS player (forced with ?player=hls; Chromium 156 answers
// "maybe" to application/vnd.apple.mpegurl). ManagedMediaSource exists only in Safari: forced, the tile
// says so. The grid plays the camera's sub-stream, a single camera its main stream.
func TestBrowserLivePaths(t *testing.T) {
	base, _, password := startHLSNode(t)
	ctx := browserLogin(t, base, "admin", password)
	read := func() (liveTile, error) { return chromedp.Run(ctx, chromedp.Evaluate[liveTile](readTile)) }
	for _, c := range []struct {
		force, want string
	}{{"", "mse"}, {"hls", "hls"}, {"mse", "mse"}} {
		hash := "#/live?player=" + c.force
		for _, single := range []bool{false, true} {
			h, stream, width := hash, "sub", 640
			if single {
				h, stream, width = hash+"&camera=front", "main", 1280
			}
			if err := chromedp.Do(ctx, chromedp.Navigate(base+"/"+h)); err != nil {
				t.Fatal(err)
			}
			what := fmt.Sprintf("live view %s", h)
			tile := waitPlaying(t, ctx, what, read)
			if tile.Path != c.want || tile.Stream != stream || tile.Width != width {
				t.Errorf("%s: got path %q, stream %q, width %d; want %q, %q, %d", what, tile.Path, tile.Stream, tile.Width,
					c.want, stream, width)
			}
			t.Logf("%s: %+v", what, tile)
		}
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/#/live?player=mms")); err != nil {
		t.Fatal(err)
	}
	var tile liveTile
	deadline := time.Now().Add(20 * time.Second)
	for tile.Message == "" && time.Now().Before(deadline) {
		var err error
		if tile, err = read(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if tile.Path != "none" || tile.Message != "This browser cannot play live video by mms." {
		t.Errorf("forced ManagedMediaSource in Chromium: got %+v, want path none and a message", tile)
	}
}
