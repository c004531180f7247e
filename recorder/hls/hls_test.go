package hls_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/porchlight/porchlight/internal/testutil"
	"github.com/porchlight/porchlight/recorder"
	"github.com/porchlight/porchlight/recorder/democam"
	"github.com/porchlight/porchlight/recorder/hls"
)

// startServer records a demo camera as "front" (main and sub-stream) and serves it over HLS.
func startServer(t *testing.T, cfg hls.Config) *hls.Server {
	t.Helper()
	cam := &democam.Server{Addr: "127.0.0.1:0"}
	if err := cam.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cam.Close)
	rec, err := recorder.New(recorder.Config{DataDir: t.TempDir(),
		Cameras: []recorder.CameraConfig{{Name: "front", URL: cam.URL(), SubURL: cam.URL()}}})
	if err != nil {
		t.Fatal(err)
	}
	cfg.Source, cfg.PartTarget = rec, rec.LivePartMax()
	srv, err := hls.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() {
		if err := rec.Run(ctx); err != nil {
			t.Errorf("recorder: %v", err)
		}
	})
	wg.Go(func() { _ = srv.Run(ctx) })
	t.Cleanup(func() {
		cancel()
		wg.Wait()
		rec.Close()
	})
	return srv
}

// lines returns the playlist's lines that start with prefix.
func lines(pl []byte, prefix string) []string {
	var out []string
	for l := range strings.SplitSeq(string(pl), "\n") {
		if strings.HasPrefix(l, prefix) {
			out = append(out, l)
		}
	}
	return out
}

func TestPlaylistAndResources(t *testing.T) {
	srv := startServer(t, hls.Config{})
	ctx := t.Context()
	pl, _, err := srv.Playlist(ctx, "front", "", -1, -1)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"#EXTM3U\n#EXT-X-VERSION:9\n", "#EXT-X-TARGETDURATION:2\n", "#EXT-X-PART-INF:PART-TARGET=0.250\n",
		"#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=0.750\n", "#EXT-X-MEDIA-SEQUENCE:0\n",
		"#EXT-X-MAP:URI=\"init1.mp4\"\n", "\ns0.m4s\n", ",INDEPENDENT=YES\n"} {
		if !bytes.Contains(pl, []byte(want)) {
			t.Errorf("playlist lacks %q:\n%s", want, pl)
		}
	}
	typ, init, err := srv.File(ctx, "front", "main", "init1.mp4")
	if err != nil || typ != hls.InitType || !bytes.Equal(init[0][4:8], []byte("ftyp")) {
		t.Errorf("init1.mp4: got %q %v, want %s starting with ftyp", typ, err, hls.InitType)
	}
	typ, seg, err := srv.File(ctx, "front", "main", "s0.m4s")
	if err != nil || typ != hls.MediaType || string(seg[0][4:8]) != "moof" {
		t.Errorf("s0.m4s: got %q %v, want %s starting with moof", typ, err, hls.MediaType)
	}

	// The hinted part is waited for; a blocking reload for it returns once it is listed.
	hint := lines(pl, "#EXT-X-PRELOAD-HINT:")[0]
	var next int
	fmt.Sscanf(hint, `#EXT-X-PRELOAD-HINT:TYPE=PART,URI="p%d.m4s"`, &next)
	typ, part, err := srv.File(ctx, "front", "main", fmt.Sprintf("p%d.m4s", next))
	if err != nil || typ != hls.MediaType || string(part[0][4:8]) != "moof" {
		t.Errorf("hinted part p%d.m4s: got %q %v, want a moof", next, typ, err)
	}
	if _, _, err := srv.File(ctx, "front", "main", fmt.Sprintf("p%d.m4s", next+5)); !errors.Is(err, hls.ErrNotFound) {
		t.Errorf("a part five ahead of the hint: got %v, want ErrNotFound", err)
	}

	// Blocking reloads: the next segment; more than two ahead is refused.
	segs := lines(pl, "s")
	var last int64
	fmt.Sscanf(segs[len(segs)-1], "s%d.m4s", &last)
	pl2, _, err := srv.Playlist(ctx, "front", "main", last+1, -1)
	if err != nil || !bytes.Contains(pl2, fmt.Appendf(nil, "\ns%d.m4s\n", last+1)) {
		t.Errorf("blocking reload for segment %d: got %v\n%s", last+1, err, pl2)
	}
	if _, _, err := srv.Playlist(ctx, "front", "main", last+5, 0); !errors.Is(err, hls.ErrBadRequest) {
		t.Errorf("blocking reload for segment %d (last %d): got %v, want ErrBadRequest", last+5, last+1, err)
	}

	// The sub-stream's URIs carry the stream.
	sub, _, err := srv.Playlist(ctx, "front", "sub", -1, -1)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range append(lines(sub, "#EXT-X-PART:"), lines(sub, "s")...) {
		if !strings.Contains(l, ".m4s?stream=sub") {
			t.Errorf("sub-stream playlist line without the stream: %q", l)
		}
	}
	if _, _, err := srv.Playlist(ctx, "back", "main", -1, -1); !errors.Is(err, hls.ErrUnknownStream) {
		t.Errorf("unknown camera: got %v, want ErrUnknownStream", err)
	}
	for _, name := range []string{"index.m3u8", "s01.m4s", "p-1.m4s", "init.mp4", "../x"} {
		if _, _, err := srv.File(ctx, "front", "main", name); !errors.Is(err, hls.ErrBadRequest) {
			t.Errorf("File(%q): got %v, want ErrBadRequest", name, err)
		}
	}
}

// TestWindowSlidesAndEnds: the window keeps KeepSegments complete segments, or three target durations
// of them when those are more (older resources answer ErrNotFound), and ends IdleTimeout after its last
// request.
func TestWindowSlidesAndEnds(t *testing.T) {
	srv := startServer(t, hls.Config{KeepSegments: 1, IdleTimeout: 300 * time.Millisecond})
	ctx := t.Context()
	pl, _, err := srv.Playlist(ctx, "front", "main", -1, -1)
	if err != nil {
		t.Fatal(err)
	}
	segs := lines(pl, "s")
	var last int64
	fmt.Sscanf(segs[len(segs)-1], "s%d.m4s", &last)
	for msn := last + 1; msn <= last+4; msn++ {
		if pl, _, err = srv.Playlist(ctx, "front", "main", msn, -1); err != nil {
			t.Fatalf("segment %d: %v", msn, err)
		}
	}
	var total float64
	for _, l := range lines(pl, "#EXTINF:") {
		var d float64
		fmt.Sscanf(l, "#EXTINF:%g,", &d)
		total += d
	}
	if total < 6 || total-2.5 >= 6 {
		t.Errorf("complete segments in the playlist last %.3f s, want at least 6 s (three target durations) and no segment more\n%s", total, pl)
	}
	if bytes.Contains(pl, []byte("#EXT-X-MEDIA-SEQUENCE:0\n")) {
		t.Errorf("the window did not slide:\n%s", pl)
	}
	if _, _, err := srv.File(ctx, "front", "main", "s0.m4s"); !errors.Is(err, hls.ErrNotFound) {
		t.Errorf("a segment that left the window: got %v, want ErrNotFound", err)
	}
	if _, _, err := srv.File(ctx, "front", "main", "p0.m4s"); !errors.Is(err, hls.ErrNotFound) {
		t.Errorf("a part that left the window: got %v, want ErrNotFound", err)
	}
	if got := srv.Windows(); got != 1 {
		t.Fatalf("windows while watched: got %d, want 1", got)
	}
	testutil.WaitFor(t, 10*time.Second, "the idle window to end", func() bool { return srv.Windows() == 0 })
}

// TestBlockingRequestEndsWithContext: a blocking reload ends when its request does.
func TestBlockingRequestEndsWithContext(t *testing.T) {
	srv := startServer(t, hls.Config{})
	pl, _, err := srv.Playlist(t.Context(), "front", "main", -1, -1)
	if err != nil {
		t.Fatal(err)
	}
	segs := lines(pl, "s")
	var last int64
	fmt.Sscanf(segs[len(segs)-1], "s%d.m4s", &last)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	// Segment last+2 is at least one GOP (2 s) away.
	go func() { _, _, err := srv.Playlist(ctx, "front", "main", last+2, 0); done <- err }()
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("got %v, want context.Canceled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the blocking request outlived its context")
	}
}

// TestServerLeavesNoGoroutines: once Run returns, every window has ended and unsubscribed.
func TestServerLeavesNoGoroutines(t *testing.T) {
	before := testutil.Goroutines()
	t.Run("watch", func(t *testing.T) {
		srv := startServer(t, hls.Config{})
		for _, stream := range []string{"main", "sub"} {
			if _, _, err := srv.Playlist(t.Context(), "front", stream, -1, -1); err != nil {
				t.Fatal(err)
			}
		}
		if got := srv.Windows(); got != 2 {
			t.Errorf("windows: got %d, want 2", got)
		}
	})
	before.CheckEnded(t, 5*time.Second)
}
