package recorder_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/porchlight/porchlight/recorder"
	"github.com/porchlight/porchlight/recorder/mediatest"
)

// BenchmarkKeyframeStageShare records one 720p camera with a zone (gst-rtsp-server, a separate process,
// plays a 60 s x264 clip once: a test card with sensor noise, and a busy 320×320 box moving inside the
// zone, the left half, for 10 s of every 30; about 4.3 Mbit/s, keyframes ~110-120 kB) and reports, per camera-second over the steady window (from 6 s to 54 s of
// the clip), the recorder's CPU (this process: getrusage utime+stime, which includes the compressed
// stage), the compressed stage's time, the keyframe stage's CPU (its ffmpeg children's utime+stime,
// decoder and snapshots, and the Go time comparing frames), and the ratios of the stages to the
// recorder. The keyframe stage's Go part is inside this process's figure too (~0.3 ms per keyframe).
// Two cases: the zone holds the motion (events open on the first keyframes checked, and the stage stops),
// and the zone misses it (the worst case: every keyframe is decoded while the compressed stage's event
// waits for a confirmation that never comes); and the camera set to decode every keyframe
// (motion.decode_keyframes), whatever the compressed stage suspects.
func BenchmarkKeyframeStageShare(b *testing.B) {
	mediatest.Require(b, "ffmpeg")
	clip := filepath.Join(b.TempDir(), "zone720p.mp4")
	enc := exec.Command("ffmpeg", "-v", "error", "-y",
		"-f", "lavfi", "-i", "smptehdbars=size=1280x720:rate=25,noise=alls=8:allf=t",
		"-f", "lavfi", "-i", "color=c=white:size=320x320:rate=25,noise=alls=60:allf=t",
		"-f", "lavfi", "-i", "sine=frequency=1000:sample_rate=48000",
		"-filter_complex", "[0][1]overlay=x='40+(mod(t,30)-10)*25':y=200:enable='between(mod(t,30),10,20)':shortest=1[v]",
		"-map", "[v]", "-map", "2", "-t", "60", "-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-g", "50",
		"-bf", "0", "-sc_threshold", "0", "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "64k", clip)
	if out, err := enc.CombinedOutput(); err != nil {
		b.Fatalf("ffmpeg: %v: %s", err, out)
	}
	b.Run("motion-in-zone", func(b *testing.B) { benchShare(b, clip, leftHalf, false) })
	b.Run("motion-outside-zone", func(b *testing.B) { benchShare(b, clip, rightHalf, false) })
	b.Run("decode-every-keyframe", func(b *testing.B) { benchShare(b, clip, leftHalf, true) })
}

// benchShare measures one run of the clip with zone, decoding every keyframe or not; see
// BenchmarkKeyframeStageShare.
func benchShare(b *testing.B, clip string, zone recorder.Polygon, every bool) {
	url := mediatest.StartGstFileCamera(b, clip) + "/file"
	motion := quickMotion
	motion.Zones, motion.DecodeKeyframes = []recorder.Polygon{zone}, every
	r, err := recorder.New(recorder.Config{DataDir: b.TempDir(), FsyncInterval: 5 * time.Second, // shipped default
		Cameras: []recorder.CameraConfig{{Name: "front", URL: url, Motion: motion}}})
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { _ = r.Run(ctx) })
	defer func() { cancel(); wg.Wait(); r.Close() }()

	mediatest.WaitFor(b, 30*time.Second, "6 s of frames", func() bool { return status(r, "front").Frames >= 150 })
	type sample struct {
		self, motion, kf time.Duration
		bytes            uint64
		frames           uint64
	}
	take := func() sample {
		st := status(r, "front")
		var kf time.Duration
		if st.Keyframe != nil {
			kf = time.Duration(st.Keyframe.CPUNanos)
		}
		return sample{self: selfCPU(), motion: time.Duration(st.MotionCPUNanos), kf: kf, bytes: st.RTPBytes, frames: st.Frames}
	}
	b.ResetTimer()
	s0, t0 := take(), time.Now()
	time.Sleep(48 * time.Second) // the window; polling the status meanwhile would cost CPU of its own
	s1, secs := take(), time.Since(t0).Seconds()
	b.StopTimer()
	st := status(r, "front")
	if st.Keyframe == nil || st.Keyframe.Decoded == 0 {
		b.Fatalf("the keyframe stage decoded nothing: %+v", st.Keyframe)
	}
	ms := func(d time.Duration) float64 { return float64(d) / 1e6 / secs }
	rec, cmp, kf := ms(s1.self-s0.self), ms(s1.motion-s0.motion), ms(s1.kf-s0.kf)
	b.ReportMetric(rec, "recorder-cpu-ms/camera-s")
	b.ReportMetric(cmp, "compressed-ms/camera-s")
	b.ReportMetric(kf, "keyframe-cpu-ms/camera-s")
	b.ReportMetric(kf/rec, "keyframe/recorder")
	b.ReportMetric((cmp+kf)/rec, "both/recorder")
	b.ReportMetric(float64(s1.bytes-s0.bytes)*8/secs/1e6, "Mbit/s")
	b.ReportMetric(float64(st.Keyframe.Decoded), "keyframes-decoded")
	b.ReportMetric(float64(st.Keyframe.SnapshotsTaken), "snapshots")
	b.ReportMetric(float64(len(eventsOf(b, r))), "events")
	if os.Getenv("PORCHLIGHT_BENCH_VERBOSE") != "" {
		b.Logf("keyframe status %+v; window from %s", *st.Keyframe, t0.Format(time.TimeOnly))
		for _, e := range eventsOf(b, r) {
			b.Logf("event %d: %s - %s", e.ID, e.Start.Format(time.TimeOnly), e.End.Format(time.TimeOnly))
		}
	}
}

func selfCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func eventsOf(b *testing.B, r *recorder.Recorder) []recorder.Event {
	evs, err := r.Events(recorder.EventQuery{Camera: "front"})
	if err != nil {
		b.Fatal(err)
	}
	return evs
}
