package recorder_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
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
	// The disk holds under a minute of footage: the floor of recent footage must be smaller.
	r := startRecorder(t, recorder.Config{DataDir: dir, SegmentDuration: 2 * time.Second, RetentionInterval: time.Hour,
		KeepRecent: 6 * time.Second, Cameras: []recorder.CameraConfig{{Name: "front", URL: cam.URL()}}})
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

// recorded sums the recorded time of a camera in [start, end).
func recorded(t *testing.T, r *recorder.Recorder, start, end time.Time) time.Duration {
	t.Helper()
	spans, err := r.Spans("front", "", start, end)
	if err != nil {
		t.Fatal(err)
	}
	var d time.Duration
	for _, s := range spans {
		d += s.End.Sub(s.Start)
	}
	return d
}

// TestDiskFilledByOthers: another program fills the disk under min_free. Retention frees only what
// recording writes meanwhile, never held footage nor the newest KeepRecent, and raises a warning; once
// the space comes back, recording goes on and the warning ends. Before, it deleted every unheld segment
// within seconds (the issue: all earlier footage gone in 6 s on an 8 MiB tmpfs).
func TestDiskFilledByOthers(t *testing.T) {
	dir := mountTmpfs(t, 8<<20)
	cam := startCamera(t, nil, nil)
	r := startRecorder(t, recorder.Config{DataDir: dir, SegmentDuration: 2 * time.Second,
		RetentionInterval: 250 * time.Millisecond, MinFree: 4 << 20, KeepRecent: 6 * time.Second,
		Cameras: []recorder.CameraConfig{{Name: "front", URL: cam.URL()}}})
	start, _ := waitRecorded(t, r, "front", 40*time.Second) // about 2.5 MiB: the disk has room above min_free
	release := r.Hold("front", start.Add(4*time.Second), start.Add(8*time.Second))
	defer release()
	fillStart := time.Now()
	old := fillStart.Add(-10 * time.Second) // well before the floor of recent footage
	before := recorded(t, r, start, old)
	st0 := status(r, "front")

	// The other program: grows a file until the disk is full, and keeps it full for 5 s, taking any
	// space retention frees.
	other := filepath.Join(dir, "other.bin")
	f, err := os.Create(other)
	if err != nil {
		t.Fatal(err)
	}
	chunk := make([]byte, 64<<10)
	warned := ""
	for time.Since(fillStart) < 5*time.Second {
		if _, err := f.Write(chunk); err != nil {
			time.Sleep(20 * time.Millisecond) // full: try again for whatever is freed
		}
		if w := r.DiskWarning(); w != "" {
			warned = w
		}
	}
	f.Close()
	if !strings.Contains(warned, "other files") {
		t.Errorf("disk warning while another program filled the disk: got %q, want one naming the other files", warned)
	}
	after := recorded(t, r, start, old)
	st1 := status(r, "front")
	in, del := int64(st1.BytesIn-st0.BytesIn), int64(st1.Deleted-st0.Deleted)
	t.Logf("while the disk was full: recording handed %d bytes to its writer, retention deleted %d", in, del)
	// Retention frees what recording needs: what it handed its writer meanwhile, plus at most the
	// overshoot of the last whole segment and one retention interval carried in (a segment's worth
	// each, 2 s of media, counted at the rate recorded so far), plus one for the spread of segment sizes.
	segBytes := int64(st0.BytesIn) * int64(2*time.Second) / int64(fillStart.Sub(start))
	if del > in+3*segBytes {
		t.Errorf("retention deleted %d bytes while recording handed %d to its writer, want at most %d more", del, in, 3*segBytes)
	}
	if held := recorded(t, r, start.Add(4*time.Second), start.Add(8*time.Second)); held < 4*time.Second-100*time.Millisecond {
		t.Errorf("held footage: %s of 4s left", held)
	}
	if after < before/2 {
		t.Errorf("footage older than 10 s: %s before the disk filled, %s after, want most of it kept", before, after)
	}

	// The space comes back: recording goes on and the warning ends.
	if err := os.Remove(other); err != nil {
		t.Fatal(err)
	}
	out := status(r, "front").BytesOut
	mediatest.WaitFor(t, 30*time.Second, "recording to go on and the warning to end", func() bool {
		return status(r, "front").BytesOut > out+100<<10 && r.DiskWarning() == ""
	})
}
