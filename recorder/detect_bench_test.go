package recorder

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/porchlight/porchlight/recorder/index"
)

// BenchmarkDetectorScheduling measures the CPU of motion detection off the recording path for 4 and 100
// cameras at 25 fps, scheduled two ways: one goroutine per stream waking per tick (what the recorder
// does), and one shared goroutine draining every stream per tick. A feeder offers the frames as muxers
// would; it runs in both, so the difference is the scheduling. CPU is the process's (getrusage) over a
// window of PORCHLIGHT_BENCH_SECONDS (default 3) per case.
func BenchmarkDetectorScheduling(b *testing.B) {
	for _, n := range []int{4, 100} {
		for _, mode := range []string{"per-stream", "shared"} {
			b.Run(fmt.Sprintf("cams=%d/%s", n, mode), func(b *testing.B) { benchScheduling(b, n, mode) })
		}
	}
}

func benchScheduling(b *testing.B, n int, mode string) {
	db, err := index.Open(filepath.Join(b.TempDir(), "index.db"), &index.Options{NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	hub := newEventHub(db)
	var cfg atomic.Pointer[MotionConfig]
	cfg.Store(&MotionConfig{})
	dets := make([]*detector, n)
	for i := range dets {
		dets[i] = newDetector(fmt.Sprintf("cam%d", i), &cfg, hub, slog.New(slog.DiscardHandler), time.Now)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	if mode == "per-stream" {
		for _, d := range dets {
			wg.Go(func() { d.run(ctx) })
		}
	} else {
		wg.Go(func() {
			tick := time.NewTicker(detectTick)
			defer tick.Stop()
			for {
				select {
				case <-ctx.Done():
					return
				case <-tick.C:
					for _, d := range dets {
						d.batch()
					}
				}
			}
		})
	}
	// The feeder: a 25 fps camera's frames (a ~4 kB slice, a keyframe every 50) to every detector.
	slice := make([]byte, 4000)
	slice[0] = 0x41
	key := make([]byte, 40000)
	key[0] = 0x65
	wg.Go(func() {
		tick := time.NewTicker(40 * time.Millisecond)
		defer tick.Stop()
		for i := 0; ; i++ {
			select {
			case <-ctx.Done():
				return
			case now := <-tick.C:
				nalus := [][]byte{slice}
				if i%50 == 0 {
					nalus = [][]byte{key}
				}
				for _, d := range dets {
					d.offer(frameSummary{wall: now, key: i%50 == 0, nalus: nalus})
				}
			}
		}
	})
	time.Sleep(time.Second) // warm-up: the detectors learn their baselines
	secs := envSeconds(3)
	b.ResetTimer()
	c0 := cpuTime()
	time.Sleep(secs)
	c1 := cpuTime()
	b.StopTimer()
	cancel()
	wg.Wait()
	var shed, nanos uint64
	for _, d := range dets {
		shed += d.shed.Load()
		nanos += d.nanos.Load()
	}
	camSecs := float64(n) * secs.Seconds()
	b.ReportMetric(float64(c1-c0)/1e6/camSecs, "cpu-ms/camera-s")
	b.ReportMetric(float64(shed), "shed-frames")
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func envSeconds(def int) time.Duration {
	var s int
	if _, err := fmt.Sscan(os.Getenv("PORCHLIGHT_BENCH_SECONDS"), &s); err != nil || s <= 0 {
		s = def
	}
	return time.Duration(s) * time.Second
}
