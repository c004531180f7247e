package recorder_test

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/porchlight/porchlight/recorder/mediatest"
)

// benchSource starts n cameras of the named source and returns their URLs: "democam", the project's own
// camera looping a 4 Mbit/s 720p clip (one server per camera, all in one process of their own); "gst",
// gst-rtsp-server's shared 720p25 x264 + AAC pipeline (one encoder, n URLs of the same mount); or
// "gstfile", gst-rtsp-server playing a 12-minute 720p25 4.2 Mbit/s H.264 + AAC file once in real time
// without encoding, one server per gstFileCameras cameras (its shared mounts hang with more clients).
func benchSource(b *testing.B, name string, n int) []string {
	b.Helper()
	switch name {
	case "democam":
		return startBenchCameras(b, n, benchClip(b, "4mbps.mp4", 10))
	case "gstfile":
		urls, _ := gstFileURLs(b, n, gstFileCameras, "/file")
		return urls
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

// gstFileURLs starts one gst-rtsp-server per perServer cameras, all playing the same 12-minute clip, and
// returns n URLs of path spread over them, and a function that stops the servers before the benchmark
// ends.
func gstFileURLs(b *testing.B, n, perServer int, path string) ([]string, func()) {
	b.Helper()
	clip := loopClip(b, benchClip(b, "4mbps-180s.mp4", 180), "4mbps-720s.mp4", 4)
	servers := make([]string, (n+perServer-1)/perServer)
	stops := make([]func(), len(servers))
	for i := range servers {
		servers[i], stops[i] = mediatest.StartGstFileServer(b, clip)
		primeGst(b, servers[i]+path)
	}
	urls := make([]string, n)
	for i := range urls {
		urls[i] = servers[i%len(servers)] + path
	}
	return urls, func() {
		for _, stop := range stops {
			stop()
		}
	}
}

// primeGst sends url's server a DESCRIBE, waits for its answer and keeps the connection open until the
// benchmark ends: gst-rtsp-server then prepares the shared media (pipeline prerolled) before any client
// comes and keeps it prepared. Clients arriving together at a media still being prepared can crash it
// (gst-rtsp-server 1.22: "gst_rtsp_media_get_rates: assertion failed").
func primeGst(b *testing.B, url string) {
	b.Helper()
	c, err := net.DialTimeout("tcp", urlHost(url), 10*time.Second)
	if err != nil {
		b.Fatalf("prime %s: %v", url, err)
	}
	b.Cleanup(func() { c.Close() })
	_ = c.SetDeadline(time.Now().Add(30 * time.Second))
	if _, err := fmt.Fprintf(c, "DESCRIBE %s RTSP/1.0\r\nCSeq: 1\r\nAccept: application/sdp\r\n\r\n", url); err != nil {
		b.Fatalf("prime %s: %v", url, err)
	}
	status, err := bufio.NewReader(c).ReadString('\n')
	if err != nil || !strings.HasPrefix(status, "RTSP/1.0 200") {
		b.Fatalf("prime %s: answer %q, %v", url, status, err)
	}
	_ = c.SetDeadline(time.Time{})
}

// gstFileCameras is how many of the recorder's cameras share one gst-rtsp-server of the gstfile source,
// and gstFileFFmpegCameras how many of ffmpeg's (on servers of their own): ffmpeg's clients, one process
// each, crowd a server more.
const (
	gstFileCameras       = 4
	gstFileFFmpegCameras = 2
)

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

// loopClip makes (once, kept beside it) the clip src played times times over, as one file without
// re-encoding, named name: a source that plays once must outlast the start of a hundred clients of both
// sides (minutes, on a busy machine) and the window; at its end gst-rtsp-server ends every stream.
func loopClip(b *testing.B, src, name string, times int) string {
	b.Helper()
	path := filepath.Join(filepath.Dir(src), name)
	if _, err := os.Stat(path); err == nil {
		return path
	}
	cmd := exec.Command("ffmpeg", "-nostdin", "-v", "error", "-y", "-stream_loop", strconv.Itoa(times-1), "-i", src,
		"-c", "copy", "-movflags", "frag_keyframe+empty_moov+default_base_moof", path+".tmp.mp4")
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("make looped bench clip: %v %s", err, out)
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

// startFFmpeg starts one ffmpeg per URL, PORCHLIGHT_BENCH_FFMPEG_GAP_MS apart (default 50: a server that
// gets a hundred DESCRIBEs at once may refuse some), and the first client of each server alone until it
// records; they are stopped (SIGINT, then waited for) when the benchmark ends.
func startFFmpeg(b *testing.B, urls []string) *ffmpegPeer {
	b.Helper()
	mediatest.Require(b, "ffmpeg")
	p := &ffmpegPeer{}
	root := b.TempDir()
	b.Cleanup(p.stop)
	served := map[string]bool{} // servers (host:port) that have a client
	for i, u := range urls {
		f := &ffmpegProc{url: u, dir: filepath.Join(root, strconv.Itoa(i))}
		if err := os.MkdirAll(f.dir, 0o755); err != nil {
			b.Fatal(err)
		}
		f.start(b)
		p.procs = append(p.procs, f)
		if server := urlHost(u); !served[server] {
			served[server] = true
			// The first client makes gst-rtsp-server prepare its shared pipeline; a client arriving
			// meanwhile can hang it (its main loop stops reading requests).
			deadline := time.Now().Add(30 * time.Second)
			for !f.recording() && time.Now().Before(deadline) {
				if f.exited.Load() {
					f.start(b)
				}
				time.Sleep(50 * time.Millisecond)
			}
		}
		time.Sleep(time.Duration(envInt("PORCHLIGHT_BENCH_FFMPEG_GAP_MS", 50)) * time.Millisecond)
	}
	return p
}

// stop interrupts every ffmpeg and waits for them (killing any stuck on a server that stopped answering
// after 10 s); it is what the benchmark's end does, and a benchmark may call it before.
func (p *ffmpegPeer) stop() {
	for _, f := range p.procs {
		_ = f.cmd.Process.Signal(os.Interrupt)
	}
	deadline := time.Now().Add(10 * time.Second)
	for _, f := range p.procs {
		for !f.exited.Load() {
			if time.Now().After(deadline) {
				_ = f.cmd.Process.Kill()
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
}

func (f *ffmpegProc) start(b *testing.B) {
	f.starts++
	// Small -probesize and -analyzeduration: ffmpeg takes codec parameters from the SDP (sprop-parameter-sets,
	// AAC config) and starts at once instead of reading (and decoding) seconds of every stream first. Start-up
	// is outside the window, so this changes no figure; it keeps a hundred clients from crowding a server.
	f.cmd = exec.Command("ffmpeg", "-nostdin", "-v", "error", "-probesize", "32768", "-analyzeduration", "0",
		"-rtsp_transport", "tcp", "-i", f.url, "-c", "copy",
		"-f", "segment", "-segment_time", "60", "-reset_timestamps", "1",
		filepath.Join(f.dir, fmt.Sprintf("try%d-seg%%03d.mp4", f.starts)))
	f.cmd.Stderr = os.Stderr
	if err := f.cmd.Start(); err != nil {
		b.Fatal(err)
	}
	f.exited.Store(false)
	go func() { _ = f.cmd.Wait(); f.exited.Store(true) }()
}

// recording reports whether f's current try has written media.
func (f *ffmpegProc) recording() bool {
	fi, err := os.Stat(filepath.Join(f.dir, fmt.Sprintf("try%d-seg000.mp4", f.starts)))
	return err == nil && fi.Size() > 0
}

// urlHost returns the host:port of an rtsp:// URL.
func urlHost(u string) string {
	rest, _ := strings.CutPrefix(u, "rtsp://")
	host, _, _ := strings.Cut(rest, "/")
	return host
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
		if f.recording() {
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
