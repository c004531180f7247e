package keyframe

import (
	"context"
	"testing"
	"time"

	"github.com/porchlight/porchlight/internal/testutil"
)

// TestStageCPUCountsFFmpegChildren: the stage's CPU includes the running decoder (read from /proc), keeps
// it once the decoder has stopped (its rusage), and adds one-shot snapshots; it never steps back.
func TestStageCPUCountsFFmpegChildren(t *testing.T) {
	kfs := clip{Codec: "H264", Size: "1280x720", Seconds: 10, BoxX: 100, BoxY: 100, Step: 200}.keyframes(t)
	s := runStage(t, Config{Camera: "front", Codec: "H264", IdleStop: 300 * time.Millisecond})
	if got := s.CPU(); got != 0 {
		t.Fatalf("CPU before any keyframe: got %v, want 0", got)
	}
	check(t, s, kfs)
	running := s.CPU()
	// ffmpeg's start alone costs ~100 ms of CPU (BENCHMARKS.md); /proc counts in 10 ms ticks.
	if running < 10*time.Millisecond {
		t.Errorf("CPU with a decoder that decoded %d keyframes: got %v, want at least 10ms", len(kfs), running)
	}
	testutil.WaitFor(t, 10*time.Second, "the idle decoder to stop", func() bool { return !s.Status().Running })
	stopped := s.CPU()
	if stopped < running {
		t.Errorf("CPU went back when the decoder stopped: %v -> %v", running, stopped)
	}
	if _, err := s.Snapshot(context.Background(), kfs[0]); err != nil {
		t.Fatal(err)
	}
	if after := s.CPU(); after <= stopped {
		t.Errorf("CPU after a snapshot: got %v, want more than %v", after, stopped)
	}
}
