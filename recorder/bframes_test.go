package recorder_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/porchlight/porchlight/recorder"
	"github.com/porchlight/porchlight/recorder/democam"
	"github.com/porchlight/porchlight/recorder/mediatest"
)

// TestBFrames records a camera whose H.264 has B-frames: RTP timestamps go back and forth, the recorder
// derives the decode order, and the export plays every frame.
func TestBFrames(t *testing.T) {
	mediatest.Require(t, "ffmpeg")
	src := filepath.Join(t.TempDir(), "bframes.mp4")
	out, err := exec.Command("ffmpeg", "-nostdin", "-v", "error", "-f", "lavfi", "-i",
		"testsrc2=size=320x240:rate=25", "-t", "4", "-c:v", "libx264", "-preset", "veryfast", "-bf", "2",
		"-g", "50", "-keyint_min", "50", "-sc_threshold", "0", "-pix_fmt", "yuv420p", "-movflags",
		"frag_keyframe+empty_moov+default_base_moof+negative_cts_offsets", src).CombinedOutput()
	if err != nil {
		t.Fatalf("make clip: %v %s", err, out)
	}
	b, _ := os.ReadFile(src)
	clip, err := democam.LoadClip(b)
	if err != nil {
		t.Fatal(err)
	}
	reordered := false
	for _, s := range clip.Video.Samples {
		reordered = reordered || s.PTSOffset != 0
	}
	if !reordered {
		t.Fatal("the clip has no B-frames")
	}
	cam := startCamera(t, clip, nil)
	r := startRecorder(t, recorder.Config{SegmentDuration: 2 * time.Second,
		Cameras: []recorder.CameraConfig{{Name: "front", URL: cam.URL()}}})
	start, _ := waitRecorded(t, r, "front", 5*time.Second)
	checkExport(t, exportFile(t, r, "front", start, start.Add(4*time.Second)), "h264", "", 4*time.Second, 25)
	if st := status(r, "front"); st.Discont != 0 {
		t.Errorf("discontinuities: got %d, want 0", st.Discont)
	}
}
