package mediatest

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// MotionClip makes with ffmpeg (the test is skipped without it) a fragmented-MP4 H.264 clip that
// democam.LoadClip takes: 6 s of a still grey picture, then 4 s of moving test pattern (CRF, as most
// cameras encode), 25 fps, a keyframe every 2 s, no B-frames, no audio. Looped by a demo camera, it is a
// camera that sees motion 4 s in every 10.
func MotionClip(t testing.TB) []byte {
	t.Helper()
	return cameraClip(t, "-f", "lavfi", "-i", "color=c=gray:size=320x240:rate=25:d=6",
		"-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25:d=4", "-filter_complex", "[0][1]concat=n=2:v=1:a=0")
}

// BoxClip makes with ffmpeg (the test is skipped without it) a clip like MotionClip whose motion lies only
// inside the left half of the picture: 6 s of still grey, then 4 s in which a 60×60 box of changing noise
// (a busy subject: every frame costs the encoder, so the compressed stage sees it throughout) slides from
// x = 10 to x = 90 (of 320) at y = 90. Looped by a demo camera, motion lies only in the frame units
// x 0.03..0.47, y 0.37..0.63, 4 s in every 10.
func BoxClip(t testing.TB) []byte {
	t.Helper()
	return cameraClip(t, "-f", "lavfi", "-i", "color=c=gray:size=320x240:rate=25:d=10",
		"-f", "lavfi", "-i", "color=c=white:size=60x60:rate=25:d=10,noise=alls=60:allf=t",
		"-filter_complex", "[0][1]overlay=x='10+max(t-6,0)*20':y=90:enable='gte(t,6)'")
}

// cameraClip encodes what the ffmpeg input arguments make as a camera would (x264 CRF 26, 25 fps, a
// keyframe every 2 s, no B-frames, no audio) into a fragmented MP4 and returns its bytes.
func cameraClip(t testing.TB, input ...string) []byte {
	t.Helper()
	if _, err := exec.LookPath("ffmpeg"); err != nil {
		t.Skip("ffmpeg not installed")
	}
	out := filepath.Join(t.TempDir(), "clip.mp4")
	args := append([]string{"-v", "error"}, input...)
	args = append(args, "-c:v", "libx264", "-preset", "veryfast", "-crf", "26", "-pix_fmt", "yuv420p", "-bf", "0",
		"-g", "50", "-keyint_min", "50", "-sc_threshold", "0", "-an",
		"-movflags", "frag_keyframe+empty_moov+default_base_moof", out)
	if b, err := exec.Command("ffmpeg", args...).CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg: %v: %s", err, b)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
