package motiontest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// Clip returns the path of the scene encoded as e (an Annex-B elementary stream), built on first use
// into the cache (CacheDir()/clips) and found there afterwards. Without ffmpeg or the footage the test
// is skipped (failed under CI, see Footage).
func Clip(t testing.TB, s Scene, e Encoding) string {
	t.Helper()
	if _, err := exec.LookPath("ffmpeg"); err != nil {
		t.Skip("ffmpeg not installed (.ci/deps installs it)")
	}
	src := Footage(t, s.Source)
	cache, err := CacheDir()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	p, err := Build(ctx, cache+"/clips", src, s, e)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// ClipMP4 returns the path of Clip's stream copied (not re-encoded) into an MP4 at e.FPS, as a file a
// streaming server plays; it is kept beside the stream. The copy has no presentation times of its own,
// so an encoding with B-frames is refused: their order on the wire would be wrong.
func ClipMP4(t testing.TB, s Scene, e Encoding) string {
	t.Helper()
	if e.BFrames > 0 {
		t.Fatalf("%s %s: an MP4 copied from an elementary stream with B-frames has wrong presentation times", s.Name, e)
	}
	es := Clip(t, s, e)
	out := strings.TrimSuffix(es, ".h264")
	out = strings.TrimSuffix(out, ".h265") + ".mp4"
	if _, err := os.Stat(out); err == nil {
		return out
	}
	tmp := fmt.Sprintf("%s.%d.tmp.mp4", out, os.Getpid())
	b, err := exec.Command("ffmpeg", "-v", "error", "-nostdin", "-y", "-framerate", fmt.Sprint(e.FPS), "-i", es,
		"-c", "copy", tmp).CombinedOutput()
	if err != nil {
		os.Remove(tmp)
		t.Fatalf("ffmpeg %s to MP4: %v: %s", es, err, b)
	}
	if err := os.Rename(tmp, out); err != nil {
		t.Fatal(err)
	}
	return out
}
