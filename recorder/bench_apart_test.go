package recorder_test

import (
	"fmt"
	"os"
	"testing"
	"time"
)

// ffmpegWindow is ffmpeg's side of BenchmarkRecord measured in a window of its own
// (PORCHLIGHT_BENCH_APART=1): the change of its processes' counters over the window, and RSS at its end.
type ffmpegWindow struct {
	procSample
	restarts int
}

// ffmpegAlone records urls with ffmpeg alone, before the recorder starts: every process connects (see
// startFFmpeg) and records, warm seconds pass, then its processes are sampled from /proc before and after
// a window of secs seconds, as in the side-by-side run; then they stop. A process that wrote nothing in
// the window fails the benchmark.
func ffmpegAlone(b *testing.B, urls []string, warm, secs int) ffmpegWindow {
	b.Helper()
	n := len(urls)
	ff := startFFmpeg(b, urls)
	recording := 0
	waitFor(b, time.Duration(60+n)*time.Second, "ffmpeg recording every camera", func() bool {
		recording = ff.recording(b)
		return recording == n
	}, func() string { return fmt.Sprintf("%d of %d recording", recording, n) })
	time.Sleep(time.Duration(warm) * time.Second)
	f0, err := sampleProcs(ff.pids()...)
	if err != nil {
		b.Fatal(err)
	}
	w0 := ff.written()
	time.Sleep(time.Duration(secs) * time.Second)
	f1, err := sampleProcs(ff.pids()...)
	if err != nil {
		b.Fatal(err)
	}
	if k := stalled(w0, ff.written()); k > 0 {
		b.Errorf("%d of %d ffmpeg processes wrote nothing in the window: their server stopped sending", k, n)
	}
	ff.stop()
	return ffmpegWindow{procSample: f1.sub(f0), restarts: ff.restarts()}
}

// apartMode reports whether BenchmarkRecord measures ffmpeg and the recorder one after the other
// (PORCHLIGHT_BENCH_APART=1) instead of side by side.
func apartMode() bool { return os.Getenv("PORCHLIGHT_BENCH_APART") == "1" }
