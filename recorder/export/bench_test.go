package export_test

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/porchlight/porchlight/recorder/export"
)

// BenchmarkExportFirstByte1Hour measures the time to first byte of a 1-h export: New over an index of 60
// one-minute segments (25 fps video at ~4 Mbit/s and AAC, ~270k samples) and the first 64 KiB Read.
func BenchmarkExportFirstByte1Hour(b *testing.B) {
	dir := b.TempDir()
	segs := writeSynth(b, dir, synthSpec{segments: 60, segDur: time.Minute, keySize: 60000, frameSize: 18000,
		audioSize: 300, sparse: true})
	buf := make([]byte, 64<<10)
	b.ReportAllocs()
	var header int64
	for b.Loop() {
		c, err := export.New(segs, base, base.Add(time.Hour), opener(dir))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := io.ReadFull(c, buf); err != nil {
			b.Fatal(err)
		}
		header = c.Size()
		c.Close()
	}
	for _, s := range segs {
		for _, tr := range s.Tracks {
			header -= sizeOf(tr.Frames)
		}
	}
	b.ReportMetric(float64(header), "header-bytes")
}

// BenchmarkExportThroughput reads a whole 2-min clip (~60 MB, warm cache) from real segment files, and,
// for comparison, the same files with io.Copy. Both report bytes/s through b.SetBytes.
func BenchmarkExportThroughput(b *testing.B) {
	dir := b.TempDir()
	segs := writeSynth(b, dir, synthSpec{segments: 2, segDur: time.Minute, keySize: 60000, frameSize: 18000,
		audioSize: 300})
	b.Run("clip", func(b *testing.B) {
		c, err := export.New(segs, base, base.Add(2*time.Minute), opener(dir))
		if err != nil {
			b.Fatal(err)
		}
		b.SetBytes(c.Size())
		c.Close()
		for b.Loop() {
			c, err := export.New(segs, base, base.Add(2*time.Minute), opener(dir))
			if err != nil {
				b.Fatal(err)
			}
			if n, err := io.Copy(io.Discard, c); err != nil || n != c.Size() {
				b.Fatalf("read %d of %d bytes: %v", n, c.Size(), err)
			}
			c.Close()
		}
	})
	b.Run("files", func(b *testing.B) {
		var total int64
		for _, s := range segs {
			total += s.Size
		}
		b.SetBytes(total)
		for b.Loop() {
			for _, s := range segs {
				f, err := os.Open(filepath.Join(dir, s.File))
				if err != nil {
					b.Fatal(err)
				}
				if _, err := io.Copy(io.Discard, f); err != nil {
					b.Fatal(err)
				}
				f.Close()
			}
		}
	})
}

// BenchmarkExportMemory measures what New and the first read allocate for a clip of 1 h and of 6 h of
// footage (25 fps video at ~4 Mbit/s and AAC), and reports it per hour of footage.
func BenchmarkExportMemory(b *testing.B) {
	for _, hours := range []int{1, 6} {
		b.Run(fmt.Sprintf("%dh", hours), func(b *testing.B) {
			dir := b.TempDir()
			segs := writeSynth(b, dir, synthSpec{segments: 60 * hours, segDur: time.Minute, keySize: 60000,
				frameSize: 18000, audioSize: 300, sparse: true})
			buf := make([]byte, 64<<10)
			b.ReportAllocs()
			var ms0, ms1 runtime.MemStats
			runtime.ReadMemStats(&ms0)
			for b.Loop() {
				c, err := export.New(segs, base, base.Add(time.Duration(hours)*time.Hour), opener(dir))
				if err != nil {
					b.Fatal(err)
				}
				if _, err := io.ReadFull(c, buf); err != nil {
					b.Fatal(err)
				}
				c.Close()
			}
			runtime.ReadMemStats(&ms1)
			b.ReportMetric(float64(ms1.TotalAlloc-ms0.TotalAlloc)/float64(b.N)/float64(hours), "alloc-bytes/h")
		})
	}
}
