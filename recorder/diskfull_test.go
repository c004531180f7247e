package recorder_test

import (
	"fmt"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/porchlight/porchlight/recorder"
	"github.com/porchlight/porchlight/recorder/mediatest"
)

// mountTmpfs mounts a tmpfs of size bytes on a fresh directory for the test.
func mountTmpfs(t *testing.T, size int) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("mounting a tmpfs needs root (CI runs as root)")
	}
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", fmt.Sprintf("size=%d", size), "tmpfs", dir).CombinedOutput(); err != nil {
		t.Fatalf("mount tmpfs: %v: %s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command("umount", "-l", dir).Run() })
	return dir
}

// TestDiskFull records onto a 3 MiB tmpfs with no configured limits: the disk fills, writes fail with
// ENOSPC, retention deletes the oldest segments, and recording goes on.
func TestDiskFull(t *testing.T) {
	dir := mountTmpfs(t, 2<<20)
	cam := startCamera(t, nil, nil)
	r := startRecorder(t, recorder.Config{DataDir: dir, SegmentDuration: 2 * time.Second, RetentionInterval: time.Hour,
		Cameras: []recorder.CameraConfig{{Name: "front", URL: cam.URL()}}})
	mediatest.WaitFor(t, 90*time.Second, "retention to free a full disk", func() bool {
		return status(r, "front").Deleted > 0
	})
	full := status(r, "front").BytesOut
	// Recording goes on past the full disk: another 4 s of footage written.
	mediatest.WaitFor(t, 30*time.Second, "recording to go on", func() bool {
		return status(r, "front").BytesOut > full+200<<10
	})
	st := status(r, "front")
	if st.State != recorder.StateRecording {
		t.Errorf("state on a full disk: got %s (%s), want recording", st.State, st.LastError)
	}
	end := time.Now().Add(-2 * time.Second)
	path := exportFile(t, r, "front", end.Add(-2*time.Second), end)
	if v, ok := mediatest.ProbeFile(t, path).Stream("video"); !ok || v.Frames() < 40 {
		t.Errorf("recent footage on a full disk: got %+v", v)
	}
}
