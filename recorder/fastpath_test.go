package recorder_test

import (
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pion/rtp"

	"github.com/porchlight/porchlight/internal/testutil"
	"github.com/porchlight/porchlight/recorder"
	"github.com/porchlight/porchlight/recorder/mediatest"
)

// gortsplib's read timeout sees only the frames that reach it; the fast path keeps it fed while media
// flows. A camera sending only video, with RTCP sender reports every 10 s, is not timed out with a 1 s
// ReadTimeout while its media flows, and is once the media stops (the connection staying open).
func TestFastPathReadTimeout(t *testing.T) {
	var stop atomic.Bool
	cam := startCamera(t, loadClip(t, "h265.mp4"), func(*rtp.Packet) bool { return !stop.Load() })
	r := startRecorder(t, recorder.Config{ReadTimeout: time.Second, BackoffMin: 100 * time.Millisecond,
		BackoffMax: 200 * time.Millisecond, Cameras: []recorder.CameraConfig{{Name: "front", URL: cam.URL()}}})
	mediatest.WaitFor(t, 10*time.Second, "media on the fast path", func() bool {
		return recorder.FastPathPackets(r, "front") > 0
	})
	if testutil.Poll(5*time.Second, func() bool { return status(r, "front").Reconnects > 0 }) {
		t.Fatalf("the session ended while media flowed: %s", status(r, "front").LastError)
	}
	if s := status(r, "front"); s.State != recorder.StateRecording {
		t.Fatalf("got state %s (%s), want %s", s.State, s.LastError, recorder.StateRecording)
	}
	stop.Store(true)
	mediatest.WaitFor(t, 10*time.Second, "the session to time out once media stops", func() bool {
		return status(r, "front").Reconnects > 0
	})
	if s := status(r, "front"); !strings.Contains(s.LastError, "timeout") {
		t.Errorf("got last error %q, want a timeout", s.LastError)
	}
}
