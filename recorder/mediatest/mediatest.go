// Package mediatest holds test helpers that check media with the real tools: ffprobe and ffmpeg validate
// exports, and GStreamer's gst-rtsp-server plays a live third-party camera. It is imported only by tests.
package mediatest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/porchlight/porchlight/internal/testutil"
)

// Stream is one stream as ffprobe reports it.
type Stream struct {
	CodecName    string `json:"codec_name"`
	CodecType    string `json:"codec_type"`
	Width        int    `json:"width"`
	Height       int    `json:"height"`
	NbReadFrames string `json:"nb_read_frames"`
	Duration     string `json:"duration"`
}

// Frames is the number of frames ffprobe counted.
func (s Stream) Frames() int { n, _ := strconv.Atoi(s.NbReadFrames); return n }

// Probe is ffprobe's view of a file.
type Probe struct {
	Streams []Stream `json:"streams"`
	Format  struct {
		Duration   string `json:"duration"`
		FormatName string `json:"format_name"`
	} `json:"format"`
}

// Duration is the container duration.
func (p *Probe) Duration() time.Duration {
	f, _ := strconv.ParseFloat(p.Format.Duration, 64)
	return time.Duration(f * float64(time.Second))
}

// Stream returns the first stream of a type ("video", "audio").
func (p *Probe) Stream(typ string) (Stream, bool) {
	for _, s := range p.Streams {
		if s.CodecType == typ {
			return s, true
		}
	}
	return Stream{}, false
}

// Require fails the test when a tool is missing; .ci/run installs them.
func Require(t testing.TB, tools ...string) {
	t.Helper()
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s not installed: run .ci/run or apt-get install ffmpeg (and the gst-rtsp-server packages)", tool)
		}
	}
}

// ProbeFile runs ffprobe with frame counting.
func ProbeFile(t testing.TB, path string) *Probe {
	t.Helper()
	Require(t, "ffprobe")
	out, err := exec.Command("ffprobe", "-v", "error", "-count_frames", "-show_streams", "-show_format", "-of", "json", path).Output()
	if err != nil {
		t.Fatalf("ffprobe %s: %v", path, err)
	}
	var p Probe
	if err := json.Unmarshal(out, &p); err != nil {
		t.Fatalf("ffprobe %s: %v", path, err)
	}
	return &p
}

// DecodeClean decodes the whole file with ffmpeg and fails if ffmpeg prints anything.
func DecodeClean(t testing.TB, path string) {
	t.Helper()
	Require(t, "ffmpeg")
	out, err := exec.Command("ffmpeg", "-nostdin", "-v", "error", "-i", path, "-f", "null", "-").CombinedOutput()
	if err != nil || len(bytes.TrimSpace(out)) > 0 {
		t.Fatalf("ffmpeg -v error -i %s -f null - printed %q (err %v)", path, out, err)
	}
}

// FreePort returns a TCP port free on 127.0.0.1 at the time of the call.
func FreePort(t testing.TB) int { t.Helper(); return testutil.FreePort(t) }

// StartGstCamera starts gst-rtsp-server (recorder/testdata/gst_rtsp_server.py) on a free port and returns
// its base URL, e.g. rtsp://127.0.0.1:PORT; paths /h264 (H.264 + AAC), /h265 and /h264-720p (720p25 at
// about 4.2 Mbit/s + AAC) are mounted. The server is killed when the test ends.
func StartGstCamera(t testing.TB) string {
	t.Helper()
	url, _ := startGst(t)
	return url
}

// StartGstFileCamera starts gst-rtsp-server like StartGstCamera, with the paths /file and /file-own too:
// the MP4 at clip (H.264 + AAC) played once in real time without encoding, shared by every client on
// /file, a pipeline of its own per client on /file-own. Shared mounts of gst-rtsp-server 1.22 stop
// serving now and then once a few dozen TCP clients have joined (every client stops receiving and new
// requests go unread), more readily when the clients are ffmpeg processes probing their streams.
func StartGstFileCamera(t testing.TB, clip string) string {
	t.Helper()
	url, _ := startGst(t, clip)
	return url
}

// StartGstFileServer is StartGstFileCamera with a function that stops the server before the test ends
// (a benchmark that measures one side after another frees the machine of the first side's servers).
func StartGstFileServer(t testing.TB, clip string) (url string, stop func()) {
	t.Helper()
	return startGst(t, clip)
}

// StartGstClipCameras starts gst-rtsp-server like StartGstCamera, with a path per mount: "NAME=H264:FILE"
// or "NAME=H265:FILE" mounts /NAME, the video of the MP4 FILE played once in real time, shared, without
// encoding (parameter sets in band before every keyframe). Keep to a dozen clients per server (see
// StartGstFileCamera).
func StartGstClipCameras(t testing.TB, mounts ...string) string {
	t.Helper()
	url, _ := startGst(t, mounts...)
	return url
}

// StartGstCameraIn is StartGstCamera in the network namespace netns (a file such as /proc/PID/ns/net or
// /run/netns/NAME), entered with nsenter: the URL it returns is one for the processes of that namespace.
func StartGstCameraIn(t testing.TB, netns string) string {
	t.Helper()
	Require(t, "nsenter")
	url, _ := startGstCmd(t, []string{"nsenter", "--net=" + netns})
	return url
}

func startGst(t testing.TB, args ...string) (string, func()) {
	t.Helper()
	return startGstCmd(t, nil, args...)
}

// startGstCmd starts the server with wrap (a command that runs its arguments) before python3, if any.
func startGstCmd(t testing.TB, wrap []string, args ...string) (string, func()) {
	t.Helper()
	Require(t, "/usr/bin/python3", "gst-launch-1.0")
	_, file, _, _ := runtime.Caller(0)
	script := filepath.Join(filepath.Dir(file), "..", "testdata", "gst_rtsp_server.py")
	port := FreePort(t)
	argv := append(append(wrap, "/usr/bin/python3", script, strconv.Itoa(port)), args...)
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start gst-rtsp-server: %v", err)
	}
	var once sync.Once
	stop := func() { once.Do(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }) }
	t.Cleanup(stop)
	ready := make(chan error, 1)
	go func() {
		line, err := bufio.NewReader(stdout).ReadString('\n')
		if err == nil && strings.TrimSpace(line) != "ready" {
			err = fmt.Errorf("unexpected output %q", line)
		}
		ready <- err
	}()
	select {
	case err := <-ready:
		if err != nil {
			t.Fatalf("gst-rtsp-server: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("gst-rtsp-server did not start within 30s")
	}
	return fmt.Sprintf("rtsp://127.0.0.1:%d", port), stop
}

// WaitFor polls cond until it holds or d passes, then fails the test with what: testutil.WaitFor, kept
// here for the recorder's tests that import this package anyway.
func WaitFor(t testing.TB, d time.Duration, what string, cond func() bool) {
	t.Helper()
	testutil.WaitFor(t, d, what, cond)
}
