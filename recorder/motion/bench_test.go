package motion_test

import (
	"testing"
	"time"

	"github.com/porchlight/porchlight/recorder/motion"
	"github.com/porchlight/porchlight/recorder/motion/motiontest"
)

// BenchmarkDetector measures Observe on the frames of real encoded footage (the pedestrians scene),
// in steady state: ns and allocations per frame, and CPU per camera-second at 25 fps.
func BenchmarkDetector(b *testing.B) {
	for _, e := range []motiontest.Encoding{
		{Codec: "H264", FPS: 25, GOP: 4, BFrames: 3},
		{Codec: "H265", FPS: 10, GOP: 1},
	} {
		b.Run(e.String(), func(b *testing.B) {
			aus := clip(b, scene(b, "pedestrians"), e)
			d := motion.New(e.Codec, motion.Settings{})
			at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
			step := time.Second / time.Duration(e.FPS)
			frames := make([]motion.Frame, len(aus))
			for i, au := range aus {
				frames[i] = motion.Frame{Key: au.Key, Size: au.Size, NALUs: au.NALUs}
			}
			for _, f := range frames { // warm up: parameter sets parsed, baselines learned
				f.Time, at = at, at.Add(step)
				d.Observe(f)
			}
			b.ReportAllocs()
			b.ResetTimer()
			i := 0
			for b.Loop() {
				f := frames[i%len(frames)]
				f.Time, at = at, at.Add(step)
				d.Observe(f)
				i++
			}
			ns := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
			b.ReportMetric(ns, "ns/frame")
			b.ReportMetric(ns*25/1e6, "ms/camera-s@25fps")
		})
	}
}
