package recorder_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/porchlight/porchlight/recorder"
	"github.com/porchlight/porchlight/recorder/democam"
	"github.com/porchlight/porchlight/recorder/mediatest"
)

// TestBenchCameras is the camera process of BenchmarkRecord: it serves PORCHLIGHT_BENCH_CAMS cameras
// looping PORCHLIGHT_BENCH_CLIP, prints their URLs, then "ready", and runs until stdin closes. It does
// nothing in a normal test run.
func TestBenchCameras(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("PORCHLIGHT_BENCH_CAMS"))
	if n == 0 {
		t.Skip("helper process for BenchmarkRecord")
	}
	b, err := os.ReadFile(os.Getenv("PORCHLIGHT_BENCH_CLIP"))
	if err != nil {
		t.Fatal(err)
	}
	clip, err := democam.LoadClip(b)
	if err != nil {
		t.Fatal(err)
	}
	for range n {
		cam := &democam.Server{Addr: "127.0.0.1:0", Clip: clip}
		if err := cam.Start(); err != nil {
			t.Fatal(err)
		}
		defer cam.Close()
		fmt.Println(cam.URL())
	}
	fmt.Println("ready")
	_, _ = bufio.NewReader(os.Stdin).ReadString('\n')
}

// benchClip makes (once) a 10 s 1280x720 H.264 clip at about 4 Mbit/s with AAC.
func benchClip(b *testing.B) string {
	b.Helper()
	mediatest.Require(b, "ffmpeg")
	dir := filepath.Join(os.TempDir(), "porchlight-bench")
	path := filepath.Join(dir, "4mbps.mp4")
	if _, err := os.Stat(path); err == nil {
		return path
	}
	_ = os.MkdirAll(dir, 0o755)
	cmd := exec.Command("ffmpeg", "-nostdin", "-v", "error", "-y",
		"-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=25,noise=alls=12:allf=t",
		"-f", "lavfi", "-i", "sine=frequency=1000:sample_rate=48000", "-t", "10",
		"-c:v", "libx264", "-preset", "veryfast", "-b:v", "4M", "-maxrate", "4M", "-bufsize", "2M",
		"-g", "50", "-keyint_min", "50", "-sc_threshold", "0", "-bf", "0", "-pix_fmt", "yuv420p",
		"-c:a", "aac", "-ac", "1", "-movflags", "frag_keyframe+empty_moov+default_base_moof", path+".tmp.mp4")
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("make bench clip: %v %s", err, out)
	}
	if err := os.Rename(path+".tmp.mp4", path); err != nil {
		b.Fatal(err)
	}
	return path
}

// startBenchCameras runs n cameras in a separate process, so their CPU is not the recorder's.
func startBenchCameras(b *testing.B, n int, clip string) []string {
	b.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestBenchCameras$", "-test.count=1")
	cmd.Env = append(os.Environ(), fmt.Sprintf("PORCHLIGHT_BENCH_CAMS=%d", n), "PORCHLIGHT_BENCH_CLIP="+clip)
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { stdin.Close(); _ = cmd.Wait() })
	var urls []string
	sc := bufio.NewScanner(stdout)
	for sc.Scan() && sc.Text() != "ready" {
		urls = append(urls, sc.Text())
	}
	if len(urls) != n {
		b.Fatalf("camera process started %d of %d cameras", len(urls), n)
	}
	return urls
}

func rssBytes() int64 {
	b, _ := os.ReadFile("/proc/self/status")
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// BenchmarkRecord records PORCHLIGHT_BENCH_CAMERAS (default 100) cameras at 4 Mbit/s for
// PORCHLIGHT_BENCH_SECONDS (default 30) with GOMAXPROCS=1, then runs `ffmpeg -c copy -f segment` on 4 of
// the same cameras for the same time, and reports CPU per camera-second for both, RSS per camera, dropped
// frames and bytes written per RTP payload byte. It runs once whatever b.N is (make bench uses -benchtime=1x).
func BenchmarkRecord(b *testing.B) {
	n := envInt("PORCHLIGHT_BENCH_CAMERAS", 100)
	secs := envInt("PORCHLIGHT_BENCH_SECONDS", 30)
	clip := benchClip(b)
	urls := startBenchCameras(b, n, clip)
	prev := runtime.GOMAXPROCS(1)
	defer runtime.GOMAXPROCS(prev)

	cams := make([]recorder.CameraConfig, n)
	for i, u := range urls {
		cams[i] = recorder.CameraConfig{Name: fmt.Sprintf("cam%03d", i), URL: u}
	}
	r, err := recorder.New(recorder.Config{DataDir: b.TempDir(), FsyncInterval: 5 * time.Second, Cameras: cams})
	if err != nil {
		b.Fatal(err)
	}
	runtime.GC()
	rss0 := rssBytes()
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { _ = r.Run(ctx) })
	time.Sleep(5 * time.Second) // warm-up: connect and start the first segments
	cpu0, st0 := cpuTime(), sum(r.Status())
	time.Sleep(time.Duration(secs) * time.Second)
	cpu1, st1 := cpuTime(), sum(r.Status())
	rss1 := rssBytes()
	cancel()
	wg.Wait()
	r.Close()
	runtime.GOMAXPROCS(prev)

	camSecs := float64(n * secs)
	ours := float64(cpu1-cpu0) / float64(time.Millisecond) / camSecs
	b.ReportMetric(float64(n), "cameras")
	b.ReportMetric(ours, "cpu-ms/camera-s")
	b.ReportMetric(float64(rss1-rss0)/float64(n)/(1<<20), "MiB-RSS/camera")
	b.ReportMetric(float64(st1.Dropped-st0.Dropped), "dropped-frames")
	b.ReportMetric(float64(st1.Frames-st0.Frames)/camSecs, "fps/camera")
	b.ReportMetric(float64(st1.RTPBytes-st0.RTPBytes)*8/camSecs/1e6, "Mbit/s/camera")
	b.ReportMetric(float64(st1.BytesOut-st0.BytesOut)/float64(st1.RTPBytes-st0.RTPBytes), "written/rtp")

	if _, err := exec.LookPath("ffmpeg"); err == nil {
		k := min(4, n)
		ffCPU, ffRSS := ffmpegCopy(b, urls[:k], secs)
		ff := float64(ffCPU) / float64(time.Millisecond) / float64(k*secs)
		b.ReportMetric(ff, "ffmpeg-cpu-ms/camera-s")
		b.ReportMetric(float64(ffRSS)/(1<<20), "ffmpeg-MiB-RSS/camera")
		b.ReportMetric(ours/ff, "cpu-vs-ffmpeg")
	}
}

// ffmpegCopy records each URL with `ffmpeg -c copy -f segment` (how Frigate records) for secs seconds and
// returns the total CPU time and the mean peak RSS of the ffmpeg processes.
func ffmpegCopy(b *testing.B, urls []string, secs int) (time.Duration, int64) {
	var cmds []*exec.Cmd
	for i, u := range urls {
		dir := filepath.Join(b.TempDir(), strconv.Itoa(i))
		_ = os.MkdirAll(dir, 0o755)
		cmd := exec.Command("ffmpeg", "-nostdin", "-v", "error", "-rtsp_transport", "tcp", "-i", u, "-c", "copy",
			"-f", "segment", "-segment_time", "60", "-reset_timestamps", "1", filepath.Join(dir, "seg%03d.mp4"))
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		cmds = append(cmds, cmd)
	}
	time.Sleep(time.Duration(secs) * time.Second)
	var cpu time.Duration
	var rss int64
	for _, cmd := range cmds {
		_ = cmd.Process.Signal(os.Interrupt)
		_ = cmd.Wait()
		ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
		cpu += time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
		rss += ru.Maxrss << 10
	}
	return cpu, rss / int64(len(cmds))
}

func sum(ss []recorder.StreamStatus) recorder.StreamStatus {
	var t recorder.StreamStatus
	for _, s := range ss {
		t.Frames += s.Frames
		t.Dropped += s.Dropped
		t.RTPBytes += s.RTPBytes
		t.BytesOut += s.BytesOut
	}
	return t
}
