package recorder_test

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/porchlight/porchlight/recorder/mediatest"
)

// benchSource starts n cameras of the named source and returns their URLs: "democam", the project's own
// camera looping a 4 Mbit/s 720p clip (one server per camera, all in one process of their own); "gst",
// gst-rtsp-server's shared 720p25 x264 + AAC pipeline (one encoder, n URLs of the same mount); or
// "gstfile", gst-rtsp-server playing a 3-minute 720p25 4.2 Mbit/s H.264 + AAC file once in real time
// without encoding, one server per gstFileCameras cameras (its shared mounts hang with more clients).
func benchSource(b *testing.B, name string, n int) []string {
	b.Helper()
	switch name {
	case "democam":
		return startBenchCameras(b, n, benchClip(b, "4mbps.mp4", 10))
	case "gstfile":
		return gstFileURLs(b, n, gstFileCameras, "/file")
	case "gst":
		base := mediatest.StartGstCamera(b)
		urls := make([]string, n)
		for i := range urls {
			urls[i] = base + "/h264-720p"
		}
		return urls
	}
	b.Fatalf("unknown source %q (democam or gst)", name)
	return nil
}

// gstFileURLs starts one gst-rtsp-server per perServer cameras, all playing the same 3-minute clip, and
// returns n URLs of path spread over them.
func gstFileURLs(b *testing.B, n, perServer int, path string) []string {
	b.Helper()
	clip := benchClip(b, "4mbps-180s.mp4", 180)
	servers := make([]string, (n+perServer-1)/perServer)
	for i := range servers {
		servers[i] = mediatest.StartGstFileCamera(b, clip)
	}
	urls := make([]string, n)
	for i := range urls {
		urls[i] = servers[i%len(servers)] + path
	}
	return urls
}

// gstFileCameras is how many cameras (each with an ffmpeg and a recorder client) share one
// gst-rtsp-server of the gstfile source.
const gstFileCameras = 4

// benchClip makes (once, kept in the temporary directory) a clip of secs seconds: 1280x720 25 fps H.264
// at about 4 Mbit/s (GOP 50) with AAC, as a fragmented MP4.
func benchClip(b *testing.B, name string, secs int) string {
	b.Helper()
	mediatest.Require(b, "ffmpeg")
	dir := filepath.Join(os.TempDir(), "porchlight-bench")
	path := filepath.Join(dir, name)
	if _, err := os.Stat(path); err == nil {
		return path
	}
	_ = os.MkdirAll(dir, 0o755)
	cmd := exec.Command("ffmpeg", "-nostdin", "-v", "error", "-y",
		"-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=25,noise=alls=12:allf=t",
		"-f", "lavfi", "-i", "sine=frequency=1000:sample_rate=48000", "-t", strconv.Itoa(secs),
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

// startBenchCameras runs n democam cameras in a process of their own (TestBenchCameras), so that their
// CPU is nobody's under test.
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

// ffmpegPeer is the program to beat: `ffmpeg -rtsp_transport tcp -i URL -c copy -f segment -segment_time
// 60 -reset_timestamps 1 seg%03d.mp4` (how Frigate records), one process per camera.
type ffmpegPeer struct {
	procs []*ffmpegProc
}

type ffmpegProc struct {
	url, dir string
	cmd      *exec.Cmd
	exited   atomic.Bool
	starts   int
}

// startFFmpeg starts one ffmpeg per URL, the first alone until it records, then the others
// PORCHLIGHT_BENCH_FFMPEG_GAP_MS apart (default 50: a server that gets a hundred DESCRIBEs at once may
// refuse some); they are stopped (SIGINT, then waited for) when the benchmark ends.
func startFFmpeg(b *testing.B, urls []string) *ffmpegPeer {
	b.Helper()
	mediatest.Require(b, "ffmpeg")
	p := &ffmpegPeer{}
	root := b.TempDir()
	b.Cleanup(func() {
		for _, f := range p.procs {
			_ = f.cmd.Process.Signal(os.Interrupt)
		}
		deadline := time.Now().Add(10 * time.Second)
		for _, f := range p.procs {
			for !f.exited.Load() {
				if time.Now().After(deadline) {
					_ = f.cmd.Process.Kill() // one stuck on a server that stopped answering
				}
				time.Sleep(10 * time.Millisecond)
			}
		}
	})
	for i, u := range urls {
		f := &ffmpegProc{url: u, dir: filepath.Join(root, strconv.Itoa(i))}
		if err := os.MkdirAll(f.dir, 0o755); err != nil {
			b.Fatal(err)
		}
		f.start(b)
		p.procs = append(p.procs, f)
		if i == 0 {
			// The first client makes gst-rtsp-server prepare its shared pipeline; a crowd arriving
			// meanwhile can hang it (its main loop stops reading requests).
			deadline := time.Now().Add(30 * time.Second)
			for p.recording(b) == 0 && time.Now().Before(deadline) {
				time.Sleep(100 * time.Millisecond)
			}
		}
		time.Sleep(time.Duration(envInt("PORCHLIGHT_BENCH_FFMPEG_GAP_MS", 50)) * time.Millisecond)
	}
	return p
}

func (f *ffmpegProc) start(b *testing.B) {
	f.starts++
	f.cmd = exec.Command("ffmpeg", "-nostdin", "-v", "error", "-rtsp_transport", "tcp", "-i", f.url, "-c", "copy",
		"-f", "segment", "-segment_time", "60", "-reset_timestamps", "1",
		filepath.Join(f.dir, fmt.Sprintf("try%d-seg%%03d.mp4", f.starts)))
	f.cmd.Stderr = os.Stderr
	if err := f.cmd.Start(); err != nil {
		b.Fatal(err)
	}
	f.exited.Store(false)
	go func() { _ = f.cmd.Wait(); f.exited.Store(true) }()
}

// recording restarts any ffmpeg that gave up (before the window: ffmpeg does not retry a refused
// connection) and reports how many have written media.
func (p *ffmpegPeer) recording(b *testing.B) int {
	n := 0
	for _, f := range p.procs {
		if f.exited.Load() {
			f.start(b)
			continue
		}
		seg := filepath.Join(f.dir, fmt.Sprintf("try%d-seg000.mp4", f.starts))
		if fi, err := os.Stat(seg); err == nil && fi.Size() > 0 {
			n++
		}
	}
	return n
}

// written returns, per ffmpeg process, the bytes its current try has written so far.
func (p *ffmpegPeer) written() []int64 {
	out := make([]int64, len(p.procs))
	for i, f := range p.procs {
		matches, _ := filepath.Glob(filepath.Join(f.dir, fmt.Sprintf("try%d-seg*.mp4", f.starts)))
		for _, m := range matches {
			if fi, err := os.Stat(m); err == nil {
				out[i] += fi.Size()
			}
		}
	}
	return out
}

// stalled counts the processes that wrote nothing between two written samples: a server that stopped
// sending to them would make ffmpeg's side look cheaper than it is.
func stalled(before, after []int64) int {
	n := 0
	for i := range before {
		if after[i] <= before[i] {
			n++
		}
	}
	return n
}

// restarts counts the ffmpeg processes started again because one gave up.
func (p *ffmpegPeer) restarts() int {
	n := 0
	for _, f := range p.procs {
		n += f.starts - 1
	}
	return n
}

func (p *ffmpegPeer) pids() []int {
	pids := make([]int, len(p.procs))
	for i, f := range p.procs {
		pids[i] = f.cmd.Process.Pid
	}
	return pids
}
