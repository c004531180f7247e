package keyframe

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// runningCPU is utime+stime of a running process (procCPU), failing the benchmark when it is gone.
func runningCPU(tb testing.TB, pid int) time.Duration {
	d, ok := procCPU(pid)
	if !ok {
		tb.Fatalf("no /proc/%d/stat", pid)
	}
	return d
}

// rusage is the CPU of this process (self) or of its reaped children.
func rusage(who int) time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(who, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkKeyframeStage measures CPU per keyframe of the running decoder (ffmpeg's utime+stime from
// /proc plus this process's: writing, reading the 4:2:0 picture, shrinking, comparing), the same with a
// JPEG of every keyframe as a second ffmpeg output, a one-shot snapshot (ffmpeg), a snapshot encoded in
// Go from the decoder's picture, and a lazy start (start, first keyframe, stop). Source: x264 veryfast at 4 Mbit/s (the recorder benchmark's camera), GOP 2 s,
// a test card with sensor noise and a moving box.
func BenchmarkKeyframeStage(b *testing.B) {
	for _, size := range []string{"1280x720", "1920x1080"} {
		kfs := clip{Codec: "H264", Size: size, Seconds: 10, BoxX: 100, BoxY: 100, Step: 200, Bitrate: "4M"}.keyframes(b)
		var bytes int
		for _, k := range kfs {
			for _, n := range k.NALUs {
				bytes += len(n)
			}
		}
		name := strings.Split(size, "x")[1] + "p"
		b.Run("decode/"+name, func(b *testing.B) {
			benchDecode(b, kfs, nil)
			b.ReportMetric(float64(bytes)/float64(len(kfs))/1000, "kB/keyframe")
		})
		b.Run("decode+jpeg/"+name, func(b *testing.B) {
			out := filepath.Join(b.TempDir(), "every.jpg")
			benchDecode(b, kfs, []string{"-map", "0:v", "-an", "-q:v", "5", "-c:v", "mjpeg", "-f", "image2", "-update", "1", "-y", out})
		})
		b.Run("snapshot/"+name, func(b *testing.B) {
			s, err := New(Config{Camera: "bench", Codec: "H264"})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			children := rusage(syscall.RUSAGE_CHILDREN)
			for i := 0; b.Loop(); i++ {
				if _, err := s.Snapshot(context.Background(), kfs[i%len(kfs)]); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(ms(rusage(syscall.RUSAGE_CHILDREN)-children)/float64(b.N), "ffmpeg-cpu-ms/snapshot")
		})
		b.Run("snapshot-from-decoder/"+name, func(b *testing.B) {
			p, err := startProc("ffmpeg", decodeArgs("h264"), "h264")
			if err != nil {
				b.Fatal(err)
			}
			defer p.stop(time.Second)
			pic, err := p.decode(kfs[1], time.Now().Add(10*time.Second))
			if err != nil {
				b.Fatal(err)
			}
			self := rusage(syscall.RUSAGE_SELF)
			var size int
			for b.Loop() {
				j, err := pic.jpeg()
				if err != nil {
					b.Fatal(err)
				}
				size = len(j)
			}
			b.ReportMetric(ms(rusage(syscall.RUSAGE_SELF)-self)/float64(b.N), "go-cpu-ms/snapshot")
			b.ReportMetric(float64(size)/1000, "kB/snapshot")
		})
		b.Run("start/"+name, func(b *testing.B) {
			children := rusage(syscall.RUSAGE_CHILDREN)
			for b.Loop() {
				p, err := startProc("ffmpeg", decodeArgs("h264"), "h264")
				if err != nil {
					b.Fatal(err)
				}
				if _, err := p.decode(kfs[0], time.Now().Add(10*time.Second)); err != nil {
					b.Fatal(err)
				}
				p.stop(time.Second)
			}
			b.ReportMetric(ms(rusage(syscall.RUSAGE_CHILDREN)-children)/float64(b.N), "ffmpeg-cpu-ms/start")
		})
	}
}

// benchDecode runs keyframes through one warm decoder (with extra outputs appended to its command line)
// and reports CPU per keyframe and per camera-second at a 2 s GOP (the stage running throughout).
func benchDecode(b *testing.B, kfs []Keyframe, extra []string) {
	args := append(decodeArgs("h264"), extra...)
	p, err := startProc("ffmpeg", args, "h264")
	if err != nil {
		b.Fatal(err)
	}
	defer p.stop(time.Second)
	pic, err := p.decode(kfs[0], time.Now().Add(10*time.Second)) // start-up outside the window
	if err != nil {
		b.Fatal(err)
	}
	prev, w, h := pic.gray(DefaultWidth)
	region := NewRegion(w, h, []Polygon{{{0, 0}, {0.5, 0}, {0.5, 1}, {0, 1}}}, nil)
	child, self := runningCPU(b, p.pid()), rusage(syscall.RUSAGE_SELF)
	for i := 0; b.Loop(); i++ {
		pic, err := p.decode(kfs[i%len(kfs)], time.Now().Add(10*time.Second))
		if err != nil {
			b.Fatal(err)
		}
		gray, _, _ := pic.gray(DefaultWidth)
		Compare(prev, gray, region, 0.5)
		prev = gray
	}
	ffmpeg, goCPU := ms(runningCPU(b, p.pid())-child)/float64(b.N), ms(rusage(syscall.RUSAGE_SELF)-self)/float64(b.N)
	b.ReportMetric(ffmpeg, "ffmpeg-cpu-ms/keyframe")
	b.ReportMetric(goCPU, "go-cpu-ms/keyframe")
	b.ReportMetric((ffmpeg+goCPU)/2, "cpu-ms/camera-s@gop2s")
	b.ReportMetric(procRSS(b, p.pid()), "ffmpeg-MiB-RSS")
}

// procRSS is VmRSS of a running process in MiB.
func procRSS(tb testing.TB, pid int) float64 {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		tb.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb / 1024
		}
	}
	return 0
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
