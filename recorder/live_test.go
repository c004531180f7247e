package recorder_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/porchlight/porchlight/recorder"
	"github.com/porchlight/porchlight/recorder/mediatest"
)

// TestLiveStream reads a camera's live stream across segment boundaries and checks that the bytes form
// one valid fMP4 with decode times that only go forward, as Media Source Extensions needs.
func TestLiveStream(t *testing.T) {
	cam := startCamera(t, nil, nil)
	r := startRecorder(t, recorder.Config{SegmentDuration: 2 * time.Second,
		Cameras: []recorder.CameraConfig{{Name: "front", URL: cam.URL()}}})
	live, err := r.LiveStream("front", "")
	if err != nil {
		t.Fatal(err)
	}
	defer live.Close()
	path := filepath.Join(t.TempDir(), "live.mp4")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var first time.Time
	chunks := 0
	for chunks == 0 || time.Since(first) < 5*time.Second {
		bufs, err := live.Next(ctx)
		if err != nil {
			t.Fatalf("after %d chunks: %v", chunks, err)
		}
		if chunks == 0 {
			if b := bufs[0]; len(b) < 8 || string(b[4:8]) != "ftyp" {
				t.Fatalf("first chunk starts with %q, want an init (ftyp)", b[4:8])
			}
			first = time.Now()
		}
		chunks++
		if _, err := bufs.WriteTo(f); err != nil {
			t.Fatal(err)
		}
	}
	f.Close()
	if m := live.MIME(); !strings.HasPrefix(m, `video/mp4; codecs="avc1.`) || !strings.HasSuffix(m, `,mp4a.40.2"`) {
		t.Errorf("MIME: got %q, want H.264 and AAC codecs", m)
	}
	// 5 s of 250 ms parts: about 20 parts and one init (the clip's codec config never changes).
	if chunks < 15 {
		t.Errorf("got %d chunks in 5s, want parts of at most 250ms", chunks)
	}
	mediatest.DecodeClean(t, path)
	out, err := exec.Command("ffprobe", "-v", "error", "-select_streams", "v", "-show_entries", "packet=dts",
		"-of", "csv=p=0", path).Output()
	if err != nil {
		t.Fatal(err)
	}
	prev, n := int64(-1), 0
	for _, line := range strings.Fields(string(out)) {
		dts, err := strconv.ParseInt(line, 10, 64)
		if err != nil {
			t.Fatalf("dts %q: %v", line, err)
		}
		if dts <= prev {
			t.Fatalf("video dts %d after %d: not increasing across segments", dts, prev)
		}
		prev, n = dts, n+1
	}
	if n < 100 {
		t.Errorf("live video frames: got %d, want at least 100 over 5s", n)
	}
}
