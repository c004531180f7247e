package recorder_test

import (
	"io"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pion/rtp"

	"github.com/porchlight/porchlight/recorder"
	"github.com/porchlight/porchlight/recorder/democam"
	"github.com/porchlight/porchlight/recorder/mediatest"
)

// startCamera starts an in-process camera looping clip (nil = the demo clip).
func startCamera(t *testing.T, clip *democam.Clip, filter func(*rtp.Packet) bool) *democam.Server {
	t.Helper()
	cam := &democam.Server{Addr: "127.0.0.1:0", Clip: clip, Filter: filter}
	if err := cam.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cam.Close)
	return cam
}

func loadClip(t *testing.T, name string) *democam.Clip {
	t.Helper()
	b, err := os.ReadFile("democam/testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	c, err := democam.LoadClip(b)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func status(r *recorder.Recorder, camera string) recorder.StreamStatus {
	for _, s := range r.Status() {
		if s.Camera == camera && s.Stream == "main" {
			return s
		}
	}
	return recorder.StreamStatus{}
}

func TestRecordH264AAC(t *testing.T) {
	cam := startCamera(t, nil, nil)
	sub := startCamera(t, loadClip(t, "h264_720.mp4"), nil)
	dir := t.TempDir()
	r := startRecorder(t, recorder.Config{DataDir: dir, SegmentDuration: 30 * time.Second,
		Cameras: []recorder.CameraConfig{{Name: "front", URL: cam.URL(), SubURL: sub.URL()}}})
	start, _ := waitRecorded(t, r, "front", 5*time.Second)
	// The segment being written is a valid MP4 already: players and ffprobe accept it mid-write.
	open, _ := filepath.Glob(filepath.Join(dir, "recordings", "front", "main", "*.mp4"))
	if len(open) != 1 {
		t.Fatalf("segment files: got %v, want the one being written", open)
	}
	if v, ok := mediatest.ProbeFile(t, open[0]).Stream("video"); !ok || v.CodecName != "h264" || v.Frames() < 100 {
		t.Errorf("ffprobe of the open segment: got %+v", v)
	}
	from := start.Add(700 * time.Millisecond)
	checkExport(t, exportFile(t, r, "front", from, from.Add(4*time.Second)), "h264", "aac", 4*time.Second, 25)
	if st := status(r, "front"); st.DroppedGOPs != 0 || st.Frames == 0 {
		t.Errorf("status: got %+v, want frames and no dropped GOPs", st)
	}
	// The sub-stream is recorded as a stream of its own, with its own resolution.
	spans, err := r.Spans("front", "sub", start, time.Now())
	if err != nil || len(spans) == 0 {
		t.Fatalf("sub-stream spans: %v, %v", spans, err)
	}
	clip, err := r.Export("front", "sub", spans[0].Start, spans[0].End)
	if err != nil {
		t.Fatalf("sub-stream export: %v", err)
	}
	path := filepath.Join(t.TempDir(), "sub.mp4")
	f, _ := os.Create(path)
	_, _ = io.Copy(f, clip)
	f.Close()
	clip.Close()
	if v, _ := mediatest.ProbeFile(t, path).Stream("video"); v.Width != 480 {
		t.Errorf("sub-stream export: got %+v, want the 480x270 stream", v)
	}
}

func TestRecordH265(t *testing.T) {
	cam := startCamera(t, loadClip(t, "h265.mp4"), nil)
	r := startRecorder(t, recorder.Config{SegmentDuration: 2 * time.Second,
		Cameras: []recorder.CameraConfig{{Name: "front", URL: cam.URL(), Transport: "udp"}}})
	start, _ := waitRecorded(t, r, "front", 5*time.Second)
	checkExport(t, exportFile(t, r, "front", start, start.Add(4*time.Second)), "hevc", "", 4*time.Second, 25)
}

func TestCameraRestartMidStream(t *testing.T) {
	cam := startCamera(t, nil, nil)
	r := startRecorder(t, recorder.Config{SegmentDuration: 2 * time.Second, BackoffMin: 100 * time.Millisecond,
		BackoffMax: 200 * time.Millisecond, ReadTimeout: 2 * time.Second,
		Cameras: []recorder.CameraConfig{{Name: "front", URL: cam.URL()}}})
	first, _ := waitRecorded(t, r, "front", 3*time.Second)
	cam.Close()
	mediatest.WaitFor(t, 15*time.Second, "the recorder to notice the camera is gone", func() bool {
		return status(r, "front").Reconnects > 0
	})
	if err := cam.Start(); err != nil {
		t.Fatal(err)
	}
	// A second run of at least 3 s after the restart.
	mediatest.WaitFor(t, 30*time.Second, "recording after the restart", func() bool {
		spans, _ := r.Spans("front", "", first, time.Now().Add(time.Hour))
		return len(spans) >= 2 && spans[len(spans)-1].End.Sub(spans[len(spans)-1].Start) >= 3*time.Second
	})
	spans, _ := r.Spans("front", "", first, time.Now().Add(time.Hour))
	last := spans[len(spans)-1]
	checkExport(t, exportFile(t, r, "front", last.Start, last.Start.Add(3*time.Second)), "h264", "aac", 3*time.Second, 25)
	// Across the gap: the export spans wall time, the gap bridged.
	from, to := spans[0].End.Add(-time.Second), last.Start.Add(time.Second)
	p := mediatest.ProbeFile(t, exportFile(t, r, "front", from, to))
	if got, want := p.Duration(), to.Sub(from); got < want-150*time.Millisecond || got > want+150*time.Millisecond {
		t.Errorf("export across the gap: duration %s, want %s", got, want)
	}
}

func TestParameterSetChange(t *testing.T) {
	cam := startCamera(t, nil, nil)
	r := startRecorder(t, recorder.Config{SegmentDuration: 30 * time.Second,
		Cameras: []recorder.CameraConfig{{Name: "front", URL: cam.URL()}}})
	start, _ := waitRecorded(t, r, "front", 2*time.Second)
	cam.SetClip(loadClip(t, "h264_720.mp4")) // another resolution from the next loop on
	mediatest.WaitFor(t, 40*time.Second, "the new resolution in the live stream", func() bool {
		p := mediatest.ProbeFile(t, exportFile(t, r, "front", time.Now().Add(-2*time.Second), time.Now()))
		v, _ := p.Stream("video")
		return v.Width == 480
	})
	path := exportFile(t, r, "front", start, time.Now())
	p := mediatest.ProbeFile(t, path)
	if v, _ := p.Stream("video"); v.CodecName != "h264" || v.Frames() < 50 {
		t.Fatalf("export across the change: got %+v", p.Streams)
	}
	if st := status(r, "front"); st.State != recorder.StateRecording || st.Reconnects != 0 {
		t.Errorf("status after the change: got %+v, want recording without reconnects", st)
	}
}

func TestUDPPacketLoss(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var mu sync.Mutex
	lossy := func(*rtp.Packet) bool {
		mu.Lock()
		defer mu.Unlock()
		return rng.Float64() >= 0.02
	}
	cam := startCamera(t, nil, lossy)
	r := startRecorder(t, recorder.Config{SegmentDuration: 2 * time.Second,
		Cameras: []recorder.CameraConfig{{Name: "front", URL: cam.URL(), Transport: "udp"}}})
	start, _ := waitRecorded(t, r, "front", 5*time.Second)
	p := mediatest.ProbeFile(t, exportFile(t, r, "front", start, start.Add(4*time.Second)))
	if v, ok := p.Stream("video"); !ok || v.Frames() < 50 {
		t.Fatalf("export with 2%% loss: got %+v, want most frames", p.Streams)
	}
	if st := status(r, "front"); st.State != recorder.StateRecording {
		t.Errorf("state with packet loss: got %s, want recording", st.State)
	}
	if n := recorder.FastPathPackets(r, "front"); n != 0 {
		t.Errorf("got %d packets on the TCP fast path of a UDP session, want 0", n)
	}
}

// TestBadCameras: malformed URLs and servers that answer garbage give a clear error and a retry.
func TestBadCameras(t *testing.T) {
	garbage := listenTCP(t, func(c net.Conn) {
		_, _ = c.Write([]byte("HTTP/1.0 200 OK\r\n\r\n\x00\xff garbage \x17\x03"))
		c.Close()
	})
	tests := []struct{ name, url, wantErr string }{
		{"garbage", "rtsp://" + garbage + "/x", "describe"},
		{"bad scheme", "http://127.0.0.1:1/x", "scheme"},
		{"malformed", "rtsp://[::1", "camera url"},
		{"refused", "rtsp://127.0.0.1:1/x", "connect"},
	}
	cams := make([]recorder.CameraConfig, len(tests))
	for i, tt := range tests {
		cams[i] = recorder.CameraConfig{Name: tt.name, URL: tt.url}
	}
	r := startRecorder(t, recorder.Config{BackoffMin: 50 * time.Millisecond, BackoffMax: 100 * time.Millisecond,
		ReadTimeout: time.Second, Cameras: cams})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mediatest.WaitFor(t, 20*time.Second, "two attempts", func() bool { return status(r, tt.name).Reconnects >= 2 })
			st := status(r, tt.name)
			if !strings.Contains(st.LastError, tt.wantErr) {
				t.Errorf("last error: got %q, want it to mention %q", st.LastError, tt.wantErr)
			}
		})
	}
}
