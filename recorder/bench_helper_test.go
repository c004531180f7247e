package recorder_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/porchlight/porchlight/recorder"
	"github.com/porchlight/porchlight/recorder/democam"
)

// TestBenchCameras is the camera process of BenchmarkRecord's democam source: it serves
// PORCHLIGHT_BENCH_CAMS cameras looping PORCHLIGHT_BENCH_CLIP, prints their URLs, then "ready", and runs
// until stdin closes. It does nothing in a normal test run.
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

// benchStats is what the recorder process of BenchmarkRecord reports on "stats": its streams' counters
// summed, and the Go runtime's allocation counters.
type benchStats struct {
	Recording   int    // streams recording
	Frames      uint64 // video frames received
	Dropped     uint64 // frames not recorded
	RTPBytes    uint64
	RTPPackets  uint64
	RTPLost     uint64
	BytesOut    uint64 // bytes written to segment files
	Mallocs     uint64 // heap objects allocated
	AllocBytes  uint64 // heap bytes allocated
	NumGC       uint32
	HeapInuseMi float64
	StackMi     float64 // goroutine stacks in use
	MotionNanos uint64  // wall time the motion detectors spent observing frames
	MotionCPU   uint64  // their CPU time (ns) doing it
	MotionShed  uint64  // frames the detectors shed
}

// TestBenchRecorder is the recorder process of BenchmarkRecord: a process that holds only the recorder,
// so that /proc measures it and nothing else. It records the cameras listed in PORCHLIGHT_BENCH_RECORDER
// (a file, one URL a line) into PORCHLIGHT_BENCH_DIR with the shipped defaults (1 s parts, fsync every 5 s),
// and takes commands on stdin, one a line:
//
//	(start)       prints "idle" once the recorder is open and not yet recording
//	run           starts recording
//	stats         prints one benchStats as JSON
//	profile DIR   starts a CPU profile into DIR/cpu.pprof and writes DIR/allocs0.pprof
//	endprofile    stops the CPU profile and writes DIR/allocs1.pprof (go tool pprof -base allocs0 …)
//
// It stops when stdin closes. PORCHLIGHT_BENCH_MEMPROFILERATE sets runtime.MemProfileRate (1 records every
// allocation; it slows the process). It does nothing in a normal test run.
func TestBenchRecorder(t *testing.T) {
	list := os.Getenv("PORCHLIGHT_BENCH_RECORDER")
	if list == "" {
		t.Skip("helper process for BenchmarkRecord")
	}
	if rate, err := strconv.Atoi(os.Getenv("PORCHLIGHT_BENCH_MEMPROFILERATE")); err == nil {
		runtime.MemProfileRate = rate
	}
	b, err := os.ReadFile(list)
	if err != nil {
		t.Fatal(err)
	}
	var cams []recorder.CameraConfig
	motionOff := os.Getenv("PORCHLIGHT_BENCH_MOTION") == "0"
	for i, u := range strings.Fields(string(b)) {
		cams = append(cams, recorder.CameraConfig{Name: fmt.Sprintf("cam%03d", i), URL: u,
			Motion: recorder.MotionConfig{Disabled: motionOff}})
	}
	var logger *slog.Logger // PORCHLIGHT_BENCH_LOG=1: the recorder's log on stderr
	if os.Getenv("PORCHLIGHT_BENCH_LOG") != "" {
		logger = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	r, err := recorder.New(recorder.Config{DataDir: os.Getenv("PORCHLIGHT_BENCH_DIR"), PartDuration: time.Second,
		FsyncInterval: 5 * time.Second, Cameras: cams, Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	runtime.GC()
	fmt.Println("idle")
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	defer func() { cancel(); wg.Wait() }()
	var profDir string
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() {
		cmd, arg, _ := strings.Cut(sc.Text(), " ")
		switch cmd {
		case "run":
			wg.Go(func() { _ = r.Run(ctx) })
		case "stats":
			out, _ := json.Marshal(recorderStats(r))
			fmt.Println(string(out))
		case "profile":
			profDir = arg
			f, err := os.Create(filepath.Join(profDir, "cpu.pprof"))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if err := pprof.StartCPUProfile(f); err != nil {
				t.Fatal(err)
			}
			writeProfile(t, "allocs", filepath.Join(profDir, "allocs0.pprof"))
			fmt.Println("ok")
		case "endprofile":
			pprof.StopCPUProfile()
			writeProfile(t, "allocs", filepath.Join(profDir, "allocs1.pprof"))
			fmt.Println("ok")
		}
	}
}

func recorderStats(r *recorder.Recorder) benchStats {
	var s benchStats
	for _, st := range r.Status() {
		if st.State == recorder.StateRecording {
			s.Recording++
		}
		s.Frames += st.Frames
		s.Dropped += st.Dropped
		s.RTPBytes += st.RTPBytes
		s.RTPPackets += st.RTPPackets
		s.RTPLost += st.RTPLost
		s.BytesOut += st.BytesOut
		s.MotionNanos += st.MotionNanos
		s.MotionCPU += st.MotionCPUNanos
		s.MotionShed += st.MotionShed
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	s.Mallocs, s.AllocBytes, s.NumGC, s.HeapInuseMi = ms.Mallocs, ms.TotalAlloc, ms.NumGC, float64(ms.HeapInuse)/(1<<20)
	s.StackMi = float64(ms.StackInuse) / (1 << 20)
	return s
}

func writeProfile(t *testing.T, name, path string) {
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := pprof.Lookup(name).WriteTo(f, 0); err != nil {
		t.Fatal(err)
	}
}

// recorderProc is a running TestBenchRecorder process.
type recorderProc struct {
	cmd *exec.Cmd
	in  io.Writer
	out *bufio.Scanner
}

// startRecorderProc starts the recorder process for urls with GOMAXPROCS=procs (0: the runtime's default)
// and returns once it is open and idle; it is stopped when the benchmark ends.
func startRecorderProc(b *testing.B, urls []string, procs int) *recorderProc {
	b.Helper()
	dir := b.TempDir()
	list := filepath.Join(dir, "urls")
	if err := os.WriteFile(list, []byte(strings.Join(urls, "\n")), 0o644); err != nil {
		b.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestBenchRecorder$", "-test.count=1")
	cmd.Env = append(withoutEnv(os.Environ(), "GOMAXPROCS"), "PORCHLIGHT_BENCH_RECORDER="+list,
		"PORCHLIGHT_BENCH_DIR="+filepath.Join(dir, "data"))
	if procs > 0 {
		cmd.Env = append(cmd.Env, fmt.Sprintf("GOMAXPROCS=%d", procs))
	}
	in, _ := cmd.StdinPipe()
	out, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { in.Close(); _ = cmd.Wait() })
	p := &recorderProc{cmd: cmd, in: in, out: bufio.NewScanner(out)}
	p.expect(b, "idle")
	return p
}

// expect reads the process's next line and fails unless it is want.
func (p *recorderProc) expect(b *testing.B, want string) {
	b.Helper()
	if got := p.line(b); got != want {
		b.Fatalf("recorder process said %q, want %q", got, want)
	}
}

func (p *recorderProc) line(b *testing.B) string {
	b.Helper()
	if !p.out.Scan() {
		b.Fatalf("recorder process ended: %v", p.out.Err())
	}
	return p.out.Text()
}

func (p *recorderProc) send(b *testing.B, cmd string) {
	b.Helper()
	if _, err := fmt.Fprintln(p.in, cmd); err != nil {
		b.Fatalf("recorder process: %v", err)
	}
}

func (p *recorderProc) stats(b *testing.B) benchStats {
	b.Helper()
	p.send(b, "stats")
	var s benchStats
	if err := json.Unmarshal([]byte(p.line(b)), &s); err != nil {
		b.Fatalf("recorder process stats: %v", err)
	}
	return s
}

func withoutEnv(env []string, name string) []string {
	var out []string
	for _, e := range env {
		if !strings.HasPrefix(e, name+"=") {
			out = append(out, e)
		}
	}
	return out
}
