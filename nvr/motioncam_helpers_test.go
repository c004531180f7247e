package nvr_test

import (
	"testing"

	"github.com/porchlight/porchlight/recorder/democam"
	"github.com/porchlight/porchlight/recorder/mediatest"
)

// motionClip loads the test clip whose pictures alternate still and moving stretches (made with ffmpeg).
func motionClip(t testing.TB) *democam.Clip {
	t.Helper()
	clip, err := democam.LoadClip(mediatest.MotionClip(t))
	if err != nil {
		t.Fatal(err)
	}
	return clip
}

// startClipCamera serves clip as an RTSP camera on loopback until the test ends.
func startClipCamera(t testing.TB, clip *democam.Clip) *democam.Server {
	t.Helper()
	cam := &democam.Server{Addr: "127.0.0.1:0", Clip: clip}
	if err := cam.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cam.Close)
	return cam
}

// startMotionCamera serves the motion clip as an RTSP camera on loopback until the test ends.
func startMotionCamera(t testing.TB) *democam.Server { return startClipCamera(t, motionClip(t)) }
