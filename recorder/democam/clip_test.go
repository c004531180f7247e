package democam

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h264"
	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h265"
	"github.com/bluenviron/mediacommon/v2/pkg/codecs/mpeg4audio"
	"github.com/bluenviron/mediacommon/v2/pkg/formats/fmp4"
	"github.com/bluenviron/mediacommon/v2/pkg/formats/fmp4/seekablebuffer"
	"github.com/bluenviron/mediacommon/v2/pkg/formats/mp4"
)

func TestLoadClip(t *testing.T) {
	tests := []struct {
		file          string
		codec         Codec
		width, height int
		samples, keys int
		duration      time.Duration
		audio         bool
	}{
		{"clip.mp4", CodecH264, 640, 360, 250, 5, 10 * time.Second, true},
		{"porch.mp4", CodecH264, 640, 360, 500, 10, 20 * time.Second, true},
		{"testdata/h265.mp4", CodecH265, 640, 360, 125, 3, 5 * time.Second, false},
		{"testdata/h264_720.mp4", CodecH264, 480, 270, 75, 2, 3 * time.Second, true},
	}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.file), func(t *testing.T) {
			c := loadTestClip(t, tt.file)
			if c.Codec != tt.codec {
				t.Errorf("got codec %v, want %v", c.Codec, tt.codec)
			}
			w, h := spsSize(t, c.Codec, c.SPS)
			if w != tt.width || h != tt.height {
				t.Errorf("got SPS size %dx%d, want %dx%d", w, h, tt.width, tt.height)
			}
			if len(c.PPS) == 0 || (c.Codec == CodecH265) != (len(c.VPS) > 0) {
				t.Errorf("got PPS %d bytes, VPS %d bytes for %v", len(c.PPS), len(c.VPS), c.Codec)
			}
			if got := len(c.Video.Samples); got != tt.samples {
				t.Errorf("got %d video samples, want %d", got, tt.samples)
			}
			keys := 0
			for i, s := range c.Video.Samples {
				if s.Key {
					keys++
				}
				if want := int64(i) * int64(c.Video.TimeScale) / 25; s.Time != want {
					t.Fatalf("sample %d: got time %d, want %d (25 fps)", i, s.Time, want)
				}
			}
			if keys != tt.keys {
				t.Errorf("got %d key samples, want %d", keys, tt.keys)
			}
			if got := c.Duration(); got != tt.duration {
				t.Errorf("got duration %v, want %v", got, tt.duration)
			}
			if got := c.Audio != nil; got != tt.audio {
				t.Fatalf("got audio %v, want %v", got, tt.audio)
			}
			if c.Audio == nil {
				return
			}
			cfg := c.Audio.Config
			if cfg.Type != mpeg4audio.ObjectTypeAACLC || cfg.SampleRate != 48000 || cfg.ChannelCount != 1 {
				t.Errorf("got audio config %+v, want AAC-LC 48000 Hz mono", cfg)
			}
			// AAC frames are 1024 samples; the track covers the clip.
			frames := len(c.Audio.Samples)
			if min := int(tt.duration.Seconds() * 48000 / 1024); frames < min {
				t.Errorf("got %d AAC frames, want at least %d", frames, min)
			}
		})
	}
}

func TestDefault(t *testing.T) {
	c := Default()
	if c != Default() {
		t.Errorf("got a new clip on the second call, want the shared one")
	}
	if c.Codec != CodecH264 || c.Audio == nil {
		t.Errorf("got codec %v with audio %v, want H264 with audio", c.Codec, c.Audio != nil)
	}
	if len(clipMP4) > 1<<20 {
		t.Errorf("got clip.mp4 of %d bytes, want at most 1 MiB", len(clipMP4))
	}
}

func TestLoadClipErrors(t *testing.T) {
	base := Default()
	idr := base.Video.Samples[0].NALUs
	nonIDR := base.Video.Samples[1].NALUs
	aacTrack := aacInitTrack()
	opusTrack := &fmp4.InitTrack{ID: 2, TimeScale: 48000, Codec: &mp4.CodecOpus{ChannelCount: 1}}
	videoPart := func(au [][]byte) *fmp4.PartTrack { return h264PartTrack(t, au) }
	audioPart := aacPartTrack()

	tests := []struct {
		name        string
		data        []byte
		unsupported bool // want ErrUnsupported rather than a parse error
	}{
		{"empty", nil, false},
		{"garbage", []byte("this is not an MP4 file at all"), false},
		{"truncated", clipMP4[:len(clipMP4)/2], false},
		{"init only", buildFMP4(t, []*fmp4.InitTrack{h264Track(1)}), false},
		{"first sample not IDR", buildFMP4(t, []*fmp4.InitTrack{h264Track(1)}, videoPart(nonIDR)), false},
		{"no video", buildFMP4(t, []*fmp4.InitTrack{aacTrack}, audioPart), true},
		{"opus audio", buildFMP4(t, []*fmp4.InitTrack{h264Track(1), opusTrack}, videoPart(idr)), true},
		{"two video tracks", buildFMP4(t, []*fmp4.InitTrack{h264Track(1), h264Track(2)}, videoPart(idr)), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := LoadClip(tt.data)
			if err == nil {
				t.Fatalf("got clip with %d samples, want an error", len(c.Video.Samples))
			}
			if got := errors.Is(err, ErrUnsupported); got != tt.unsupported {
				t.Errorf("got errors.Is(%v, ErrUnsupported) = %v, want %v", err, got, tt.unsupported)
			}
		})
	}

	t.Run("minimal valid", func(t *testing.T) {
		c, err := LoadClip(buildFMP4(t, []*fmp4.InitTrack{h264Track(1), aacTrack}, videoPart(idr), audioPart))
		if err != nil {
			t.Fatal(err)
		}
		if got, want := c.Duration(), 40*time.Millisecond; got != want {
			t.Errorf("got duration %v, want %v", got, want)
		}
		if got := len(c.Audio.Samples); got != 1 {
			t.Errorf("got %d audio samples, want 1", got)
		}
	})
}

func FuzzLoadClip(f *testing.F) {
	f.Add(clipMP4[:4096])
	for _, name := range []string{"testdata/h265.mp4", "testdata/h264_720.mp4"} {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b[:4096])
	}
	f.Add([]byte{0, 0, 0, 8, 'm', 'o', 'o', 'f'})
	f.Add(buildFMP4(f, []*fmp4.InitTrack{h264Track(1), aacInitTrack()},
		h264PartTrack(f, Default().Video.Samples[0].NALUs), aacPartTrack()))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := LoadClip(b)
		if err != nil {
			return
		}
		if len(c.Video.Samples) == 0 || !c.Video.Samples[0].Key {
			t.Fatalf("got clip whose first sample is missing or not key")
		}
		if c.Duration() <= 0 || c.Duration() > maxClipLength {
			t.Fatalf("got clip duration %v, want (0, %v]", c.Duration(), maxClipLength)
		}
		p := newPlan(c) // the server's consumer of a clip must cope too
		for i := 1; i < len(p.events); i++ {
			if p.events[i].at < p.events[i-1].at {
				t.Fatalf("event %d at %v before event %d at %v", i, p.events[i].at, i-1, p.events[i-1].at)
			}
		}
	})
}

// h264Track, aacInitTrack, h264PartTrack and aacPartTrack build small fMP4
// tracks from the default clip's parameters and samples.
func h264Track(id int) *fmp4.InitTrack {
	c := Default()
	return &fmp4.InitTrack{ID: id, TimeScale: 90000, Codec: &mp4.CodecH264{SPS: c.SPS, PPS: c.PPS}}
}

func aacInitTrack() *fmp4.InitTrack {
	return &fmp4.InitTrack{ID: 2, TimeScale: 48000, Codec: &mp4.CodecMPEG4Audio{Config: Default().Audio.Config}}
}

func h264PartTrack(t testing.TB, au [][]byte) *fmp4.PartTrack {
	t.Helper()
	s := &fmp4.Sample{Duration: 3600}
	if err := s.FillH264(0, au); err != nil {
		t.Fatal(err)
	}
	return &fmp4.PartTrack{ID: 1, Samples: []*fmp4.Sample{s}}
}

func aacPartTrack() *fmp4.PartTrack {
	frame := Default().Audio.Samples[1].Frame
	return &fmp4.PartTrack{ID: 2, Samples: []*fmp4.Sample{{Duration: 1024, Payload: frame}}}
}

// buildFMP4 marshals an init segment and one part with the given tracks.
func buildFMP4(t testing.TB, tracks []*fmp4.InitTrack, parts ...*fmp4.PartTrack) []byte {
	t.Helper()
	var buf seekablebuffer.Buffer
	if err := (fmp4.Init{Tracks: tracks}).Marshal(&buf); err != nil {
		t.Fatal(err)
	}
	if len(parts) > 0 {
		if err := (fmp4.Part{SequenceNumber: 1, Tracks: parts}).Marshal(&buf); err != nil {
			t.Fatal(err)
		}
	}
	return buf.Bytes()
}

func loadTestClip(t *testing.T, name string) *Clip {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	c, err := LoadClip(b)
	if err != nil {
		t.Fatalf("LoadClip(%s): %v", name, err)
	}
	return c
}

// spsSize parses an SPS of the given codec and returns the picture size.
func spsSize(t *testing.T, codec Codec, sps []byte) (int, int) {
	t.Helper()
	if codec == CodecH265 {
		var s h265.SPS
		if err := s.Unmarshal(sps); err != nil {
			t.Fatalf("parse H.265 SPS: %v", err)
		}
		return s.Width(), s.Height()
	}
	var s h264.SPS
	if err := s.Unmarshal(sps); err != nil {
		t.Fatalf("parse H.264 SPS: %v", err)
	}
	return s.Width(), s.Height()
}
