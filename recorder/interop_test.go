package recorder_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/porchlight/porchlight/recorder"
	"github.com/porchlight/porchlight/recorder/mediatest"
)

// startRecorder runs a recorder on cfg until the test ends.
func startRecorder(t *testing.T, cfg recorder.Config) *recorder.Recorder {
	t.Helper()
	if cfg.DataDir == "" {
		cfg.DataDir = t.TempDir()
	}
	if cfg.Logger == nil && testing.Verbose() {
		cfg.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	r, err := recorder.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() {
		if err := r.Run(ctx); err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	t.Cleanup(func() {
		cancel()
		wg.Wait()
		r.Close()
	})
	return r
}

// waitRecorded waits until camera has one span of at least d and returns it.
func waitRecorded(t *testing.T, r *recorder.Recorder, camera string, d time.Duration) (time.Time, time.Time) {
	t.Helper()
	var start, end time.Time
	mediatest.WaitFor(t, d+45*time.Second, "footage of "+d.String(), func() bool {
		spans, err := r.Spans(camera, "", time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range spans {
			if s.End.Sub(s.Start) >= d {
				start, end = s.Start, s.End
				return true
			}
		}
		return false
	})
	return start, end
}

// exportFile exports [start, end) of camera into a file and returns its path.
func exportFile(t *testing.T, r *recorder.Recorder, camera string, start, end time.Time) string {
	t.Helper()
	clip, err := r.Export(camera, "", start, end)
	if err != nil {
		t.Fatalf("export: %v", err)
	}
	defer clip.Close()
	path := filepath.Join(t.TempDir(), "export.mp4")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	n, err := io.Copy(f, clip)
	if err != nil || n != clip.Size() {
		t.Fatalf("copy export: %d of %d bytes, %v", n, clip.Size(), err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// checkExport validates an export with ffprobe and ffmpeg: codecs, duration and frame count.
func checkExport(t *testing.T, path string, video, audio string, d time.Duration, fps float64) {
	t.Helper()
	p := mediatest.ProbeFile(t, path)
	v, ok := p.Stream("video")
	if !ok || v.CodecName != video {
		t.Fatalf("video stream: got %+v, want codec %s", p.Streams, video)
	}
	if a, ok := p.Stream("audio"); audio != "" && (!ok || a.CodecName != audio) {
		t.Fatalf("audio stream: got %+v, want codec %s", a, audio)
	} else if audio == "" && ok {
		t.Fatalf("unexpected audio stream %+v", a)
	}
	if got := p.Duration(); got < d-100*time.Millisecond || got > d+100*time.Millisecond {
		t.Errorf("duration: got %s, want %s ± 100ms", got, d)
	}
	// Frames from the keyframe before start: at least d*fps, at most one GOP (2 s) more.
	want := int(d.Seconds() * fps)
	if got := v.Frames(); got < want-2 || got > want+int(2*fps)+2 {
		t.Errorf("video frames: got %d, want %d..%d", got, want-2, want+int(2*fps)+2)
	}
	mediatest.DecodeClean(t, path)
}

func TestInteropGstRTSPServer(t *testing.T) {
	if testing.Short() {
		t.Skip("interop with gst-rtsp-server is not a short test")
	}
	base := mediatest.StartGstCamera(t)
	tests := []struct {
		path, transport, video, audio string
	}{
		{"/h264", "tcp", "h264", "aac"},
		{"/h264", "udp", "h264", "aac"},
		{"/h265", "tcp", "hevc", ""},
		{"/h265", "udp", "hevc", ""},
	}
	for _, tt := range tests {
		t.Run(tt.path[1:]+"-"+tt.transport, func(t *testing.T) {
			r := startRecorder(t, recorder.Config{SegmentDuration: 3 * time.Second,
				Cameras: []recorder.CameraConfig{{Name: "gst", URL: base + tt.path, Transport: tt.transport}}})
			start, _ := waitRecorded(t, r, "gst", 7*time.Second)
			// Mid-GOP start, across at least one segment boundary.
			from := start.Add(1300 * time.Millisecond)
			to := from.Add(5 * time.Second)
			path := exportFile(t, r, "gst", from, to)
			checkExport(t, path, tt.video, tt.audio, 5*time.Second, 25)
			st := r.Status()[0]
			if st.State != recorder.StateRecording || st.Codecs[0] != map[string]string{"h264": "H264", "hevc": "H265"}[tt.video] {
				t.Errorf("status: got %+v", st)
			}
			// Over TCP the media takes the fast path (its RTCP and responses pass through to gortsplib).
			fast := recorder.FastPathPackets(r, "gst")
			if tt.transport == "tcp" && fast < st.RTPPackets*9/10 || tt.transport == "udp" && fast != 0 {
				t.Errorf("got %d of %d packets on the fast path over %s", fast, st.RTPPackets, tt.transport)
			}
			if st.RTPInvalid != 0 {
				t.Errorf("got %d invalid packets, want 0", st.RTPInvalid)
			}
		})
	}
}
