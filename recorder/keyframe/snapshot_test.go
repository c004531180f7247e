package keyframe

import (
	"bytes"
	"context"
	"image/jpeg"
	"testing"
)

func TestSnapshotFromKeyframe(t *testing.T) {
	for _, codec := range []string{"H264", "H265"} {
		t.Run(codec, func(t *testing.T) {
			kfs := clip{Codec: codec, Size: "1280x720", Seconds: 2, BoxX: 100, BoxY: 100, Step: 10}.keyframes(t)
			s, err := New(Config{Camera: "front", Codec: codec})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			b, err := s.Snapshot(context.Background(), kfs[0])
			if err != nil {
				t.Fatal(err)
			}
			cfg, err := jpeg.DecodeConfig(bytes.NewReader(b))
			if err != nil || cfg.Width != 1280 || cfg.Height != 720 {
				t.Errorf("snapshot: %dx%d, %v; want a 1280x720 JPEG", cfg.Width, cfg.Height, err)
			}
			img, err := jpeg.Decode(bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			// The white box is at (100..220, 100..220): the snapshot shows the picture, not a blank.
			if r, g, bl, _ := img.At(160, 160).RGBA(); r>>8 < 200 || g>>8 < 200 || bl>>8 < 200 {
				t.Errorf("pixel inside the white box: got %d,%d,%d, want white", r>>8, g>>8, bl>>8)
			}
		})
	}
}

func TestSnapshotOfGarbage(t *testing.T) {
	needFFmpeg(t)
	s, err := New(Config{Camera: "front", Codec: "H264"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.Snapshot(context.Background(), Keyframe{NALUs: [][]byte{{0x65, 1, 2, 3}}}); err == nil {
		t.Error("snapshot of a broken keyframe: got no error")
	}
}

func FuzzCheckJPEG(f *testing.F) {
	f.Add(testJPEG(f))
	f.Add([]byte{0xff, 0xd8, 0xff, 0xd9})
	f.Fuzz(func(t *testing.T, b []byte) {
		if CheckJPEG(b) == nil {
			if _, err := jpeg.DecodeConfig(bytes.NewReader(b)); err != nil {
				t.Fatalf("accepted a JPEG whose header does not decode: %v", err)
			}
		}
	})
}
