package recorder_test

import (
	"context"
	"math/rand/v2"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/porchlight/porchlight/recorder"
	"github.com/porchlight/porchlight/recorder/mediatest"
)

// TestCrashChild is the recording child process of TestCrashRecovery; it does nothing in a normal run.
func TestCrashChild(t *testing.T) {
	dir, url := os.Getenv("PORCHLIGHT_CRASH_DIR"), os.Getenv("PORCHLIGHT_CRASH_URL")
	if dir == "" {
		t.Skip("helper process for TestCrashRecovery")
	}
	r, err := recorder.New(recorder.Config{DataDir: dir, SegmentDuration: 3 * time.Second,
		FsyncInterval: 5 * time.Second, Cameras: []recorder.CameraConfig{{Name: "front", URL: url}}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	_ = r.Run(ctx) // until SIGKILL
}

// TestCrashRecovery kills a recording process with SIGKILL at random moments; after each kill the index
// is recovered, the footage up to at most 1 s before the kill exports and plays, and recording resumes.
func TestCrashRecovery(t *testing.T) {
	if testing.Short() {
		t.Skip("crash loop is not a short test")
	}
	cam := startCamera(t, nil, nil)
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	const kills = 10
	var lastEnd time.Time
	for i := range kills {
		child := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
		child.Env = append(os.Environ(), "PORCHLIGHT_CRASH_DIR="+dir, "PORCHLIGHT_CRASH_URL="+cam.URL())
		if err := child.Start(); err != nil {
			t.Fatal(err)
		}
		// Wait until the child has written a part past everything recorded so far, then a random while more.
		seen, _ := newestSize(t, dir)
		mediatest.WaitFor(t, 30*time.Second, "the child to record", func() bool {
			name, size := newestSize(t, dir)
			return name != seen && size > 8<<10 // a new segment with at least one part
		})
		time.Sleep(time.Duration(500+rng.IntN(3500)) * time.Millisecond) // the random moment to kill at
		killed := time.Now()
		if err := child.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		_ = child.Wait()

		r, err := recorder.New(recorder.Config{DataDir: dir, Cameras: []recorder.CameraConfig{{Name: "front", URL: "rtsp://127.0.0.1:1/none"}}})
		if err != nil {
			t.Fatal(err)
		}
		r.Recover()
		spans, err := r.Spans("front", "", time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
		if err != nil || len(spans) == 0 {
			t.Fatalf("kill %d: spans after recovery: %v, %v", i, spans, err)
		}
		end := spans[len(spans)-1].End
		// The design loses at most one part_duration (1 s). The camera's frames reach the child some ms after
		// their wall time, and more on a loaded machine (go test runs packages in parallel): allow 250 ms for
		// that. `make bench` reports the measured loss.
		lost := killed.Sub(end)
		t.Logf("kill %d: footage lost %s", i, lost.Round(time.Millisecond))
		if lost > time.Second+250*time.Millisecond {
			t.Errorf("kill %d: lost %s of footage, want at most 1s", i, lost)
		}
		if !end.After(lastEnd) {
			t.Errorf("kill %d: recording did not resume: last span ends %s, before %s", i, end, lastEnd)
		}
		lastEnd = end
		from := end.Add(-2 * time.Second)
		if s := spans[len(spans)-1].Start; s.After(from) {
			from = s // the child may have been killed less than 2 s into its run
		}
		path := exportFile(t, r, "front", from, end)
		p := mediatest.ProbeFile(t, path)
		v, _ := p.Stream("video")
		if want := int(end.Sub(from).Seconds()*25) - 2; v.Frames() < want {
			t.Errorf("kill %d: export of the last %s: got %+v, want at least %d frames", i, end.Sub(from), p.Streams, want)
		}
		mediatest.DecodeClean(t, path)
		if err := r.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

// newestSize returns the name and size of the newest segment file.
func newestSize(t *testing.T, dir string) (string, int64) {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "recordings", "front", "main", "*.mp4"))
	if len(files) == 0 {
		return "", 0
	}
	fi, err := os.Stat(files[len(files)-1])
	if err != nil {
		return "", 0
	}
	return fi.Name(), fi.Size()
}
