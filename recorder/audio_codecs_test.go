package recorder_test

import (
	"testing"
	"time"

	"github.com/porchlight/porchlight/recorder"
	"github.com/porchlight/porchlight/recorder/democam"
	"github.com/porchlight/porchlight/recorder/mediatest"
)

// TestAudioCodecs records cameras that offer G.711 or Opus audio instead of AAC: both are kept (G.711 as
// 16-bit PCM, which MP4 carries) and export in sync with the video.
func TestAudioCodecs(t *testing.T) {
	tests := []struct {
		name  string
		codec democam.AudioCodec
		want  string // ffprobe's codec name
	}{
		{"g711", democam.AudioG711, "pcm_s16be"},
		{"opus", democam.AudioOpus, "opus"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clip := *democam.Default()
			clip.Audio = democam.SilentAudio(tt.codec, clip.Duration())
			cam := startCamera(t, &clip, nil)
			r := startRecorder(t, recorder.Config{Cameras: []recorder.CameraConfig{{Name: "front", URL: cam.URL()}}})
			start, _ := waitRecorded(t, r, "front", 3*time.Second)
			path := exportFile(t, r, "front", start, start.Add(2*time.Second))
			p := mediatest.ProbeFile(t, path)
			a, ok := p.Stream("audio")
			if !ok || a.CodecName != tt.want {
				t.Fatalf("audio stream: got %+v, want %s", p.Streams, tt.want)
			}
			if a.Frames() < 90 { // 20 ms frames over 2 s
				t.Errorf("audio frames: got %d, want about 100", a.Frames())
			}
			mediatest.DecodeClean(t, path)
		})
	}
}
