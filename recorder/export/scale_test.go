package export_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/porchlight/porchlight/recorder/export"
)

// TestLongClips exports synthetic long recordings (sparse files with a marker at the first sample of
// every part and track) and checks the sample tables and that every chunk offset points at its marker:
// an hour (stco), and over 4 GiB (co64 and a 64-bit mdat size).
func TestLongClips(t *testing.T) {
	cases := []struct {
		name         string
		spec         synthSpec
		wantChunkBox string
	}{
		{"one hour", synthSpec{segments: 60, segDur: time.Minute, keySize: 60000, frameSize: 18000,
			audioSize: 300}, "stco"},
		{"over 4 GiB", synthSpec{segments: 3, segDur: time.Minute, keySize: 1200000, frameSize: 1000000,
			audioSize: 300}, "co64"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			tc.spec.sparse, tc.spec.markParts = true, true
			segs := writeSynth(t, dir, tc.spec)
			dur := time.Duration(tc.spec.segments) * tc.spec.segDur
			c, err := export.New(segs, base, base.Add(dur), opener(dir))
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			defer c.Close()
			var media int64 // every frame is in the clip
			for _, s := range segs {
				for _, tr := range s.Tracks {
					media += sizeOf(tr.Frames)
				}
			}
			infos := inspect(t, c)
			secs := int(dur / time.Second)
			audio := (secs*48000 + 1023) / 1024
			want := []struct {
				handler       string
				samples       int
				syncs         int
				duration      time.Duration
				timescale     uint32
				chunksPerSeg  int
				markerOfTrack int
			}{
				{"vide", secs * 25, secs / 2, dur, 90000, 60, 0},
				{"soun", audio, -1, time.Duration(audio) * 1024 * time.Second / 48000, 48000, 60, 1},
			}
			if len(infos) != len(want) {
				t.Fatalf("traks: got %d, want %d", len(infos), len(want))
			}
			for i, w := range want {
				ti := infos[i]
				if ti.handler != w.handler || int(ti.samples) != w.samples || ti.syncs != w.syncs ||
					ti.timescale != w.timescale {
					t.Errorf("trak %d: got %s with %d samples, %d syncs, timescale %d, want %s with %d, %d, %d",
						i, ti.handler, ti.samples, ti.syncs, ti.timescale, w.handler, w.samples, w.syncs, w.timescale)
				}
				if got := time.Duration(ti.duration) * time.Second / time.Duration(ti.timescale); got != w.duration {
					t.Errorf("%s duration: got %s, want %s", ti.handler, got, w.duration)
				}
				if ti.chunkBox != tc.wantChunkBox {
					t.Errorf("%s chunk offsets: got %s, want %s", ti.handler, ti.chunkBox, tc.wantChunkBox)
				}
				if got, want := len(ti.offsets), len(segs)*w.chunksPerSeg; got != want {
					t.Fatalf("%s chunks: got %d, want %d", ti.handler, got, want)
				}
				buf := make([]byte, 8)
				for k, off := range ti.offsets {
					if _, err := c.ReadAt(buf, int64(off)); err != nil {
						t.Fatalf("read chunk %d at %d: %v", k, off, err)
					}
					seg := segs[k/w.chunksPerSeg]
					if want := marker(seg.ID, k%w.chunksPerSeg, w.markerOfTrack); !bytes.Equal(buf, want) {
						t.Fatalf("%s chunk %d at %d: got %x, want marker %x", ti.handler, k, off, buf, want)
					}
				}
			}
			// The mdat payload starts with the first video chunk and holds exactly the frames.
			if got, want := c.Size(), int64(infos[0].offsets[0])+media; got != want {
				t.Errorf("Size: got %d, want %d", got, want)
			}
		})
	}
}
