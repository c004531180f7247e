package recorder_test

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/pion/rtp"

	"github.com/porchlight/porchlight/recorder"
	"github.com/porchlight/porchlight/recorder/mediatest"
)

// Packets a camera never delivers show in the stream's status as lost (sequence gaps), beside the
// packets received; the recorder keeps recording through them. A TCP camera's media is read on the fast
// path, and the loss is counted there.
func TestRTPLossCounted(t *testing.T) {
	var n, dropped atomic.Int64
	cam := startCamera(t, nil, func(*rtp.Packet) bool {
		if n.Add(1)%100 == 0 {
			dropped.Add(1)
			return false
		}
		return true
	})
	r := startRecorder(t, recorder.Config{Cameras: []recorder.CameraConfig{{Name: "front", URL: cam.URL()}}})
	mediatest.WaitFor(t, 20*time.Second, "lost packets counted", func() bool {
		s := status(r, "front")
		return s.RTPLost >= 3 && s.RTPPackets > 300
	})
	s := status(r, "front")
	if fast := recorder.FastPathPackets(r, "front"); fast < s.RTPPackets*9/10 {
		t.Errorf("got %d packets on the fast path of %d received, want all of them", fast, s.RTPPackets)
	}
	if s.RTPInvalid != 0 {
		t.Errorf("got %d invalid packets, want 0", s.RTPInvalid)
	}
	if s.RTPLost > uint64(dropped.Load()) {
		t.Errorf("got %d packets lost, but the camera dropped only %d", s.RTPLost, dropped.Load())
	}
	if s.State != recorder.StateRecording {
		t.Errorf("got state %s, want %s", s.State, recorder.StateRecording)
	}
}
