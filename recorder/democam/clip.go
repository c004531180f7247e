package democam

import (
	"bytes"
	"errors"
	"fmt"
	"time"

	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h264"
	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h265"
	"github.com/bluenviron/mediacommon/v2/pkg/codecs/mpeg4audio"
	"github.com/bluenviron/mediacommon/v2/pkg/formats/fmp4"
	"github.com/bluenviron/mediacommon/v2/pkg/formats/mp4"
)

// ErrUnsupported is returned (wrapped) by LoadClip when the file is a valid
// fragmented MP4 whose tracks the demo camera cannot play.
var ErrUnsupported = errors.New("democam: unsupported clip")

// maxClipLength bounds every time in a clip, which keeps tick arithmetic
// far from overflow; a looping demo clip is seconds long.
const maxClipLength = 24 * time.Hour

// Codec is the video codec of a Clip.
type Codec int

// The video codecs a Clip can hold.
const (
	CodecH264 Codec = iota + 1
	CodecH265
)

// String returns "H264" or "H265".
func (c Codec) String() string {
	switch c {
	case CodecH264:
		return "H264"
	case CodecH265:
		return "H265"
	}
	return fmt.Sprintf("Codec(%d)", int(c))
}

// Clip is a short decoded-to-samples recording the Server loops. Sample
// payloads alias the bytes given to LoadClip; a Clip must not be modified
// once a Server plays it.
type Clip struct {
	Codec Codec
	VPS   []byte // H.265 only
	SPS   []byte
	PPS   []byte
	Video VideoTrack
	Audio *AudioTrack // nil when the clip has no audio
}

// VideoTrack holds the access units of a clip in decode order.
type VideoTrack struct {
	TimeScale uint32 // ticks per second of Time, Duration and PTSOffset
	Samples   []VideoSample
}

// VideoSample is one access unit.
type VideoSample struct {
	Time      int64 // decode time in ticks from the first video sample
	Duration  uint32
	PTSOffset int32 // presentation time minus decode time, in ticks
	Key       bool  // holds an IDR (H.264) or IRAP (H.265) picture
	NALUs     [][]byte
}

// AudioCodec is the codec of a clip's audio track.
type AudioCodec int

// Audio codecs a clip may carry. Clips loaded from MP4 carry AAC.
const (
	AudioAAC  AudioCodec = iota
	AudioG711            // μ-law, 8 kHz mono
	AudioOpus            // 48 kHz
)

// AudioTrack holds the raw frames of a clip's audio: AAC (the default), G.711 or Opus.
type AudioTrack struct {
	Codec     AudioCodec
	Config    mpeg4audio.AudioSpecificConfig // AAC only
	TimeScale uint32                         // also the RTP clock rate for G.711 and Opus
	Samples   []AudioSample
}

// clockRate is the RTP clock rate of the track.
func (a *AudioTrack) clockRate() uint32 {
	if a.Codec == AudioAAC {
		return uint32(a.Config.SampleRate)
	}
	return a.TimeScale
}

// SilentAudio returns d of silence in 20 ms frames of a G.711 or Opus track, for a clip whose camera
// offers that codec instead of AAC.
func SilentAudio(codec AudioCodec, d time.Duration) *AudioTrack {
	a := &AudioTrack{Codec: codec, TimeScale: 48000}
	frame := []byte{0xf8, 0xff, 0xfe} // an Opus CELT frame of 20 ms silence
	if codec == AudioG711 {
		a.TimeScale = 8000
		frame = bytes.Repeat([]byte{0xff}, 160) // μ-law zero, 20 ms at 8 kHz
	}
	step := a.TimeScale / 50
	for t := int64(0); t+int64(step) <= int64(d)*int64(a.TimeScale)/int64(time.Second); t += int64(step) {
		a.Samples = append(a.Samples, AudioSample{Time: t, Duration: step, Frame: frame})
	}
	return a
}

// AudioSample is one raw AAC frame (no ADTS header).
type AudioSample struct {
	Time     int64 // decode time in ticks from the first video sample; may be negative
	Duration uint32
	Frame    []byte
}

// Duration returns the length of the video track, which is the loop length.
func (c *Clip) Duration() time.Duration {
	n := len(c.Video.Samples)
	if n == 0 || c.Video.TimeScale == 0 {
		return 0
	}
	last := c.Video.Samples[n-1]
	return ticksToDuration(last.Time+int64(last.Duration), c.Video.TimeScale)
}

// LoadClip parses a fragmented MP4 file holding one H.264 or H.265 video
// track and at most one MPEG-4 audio (AAC) track. The first video sample must
// hold an IDR (IRAP for H.265) so every loop starts with a decodable picture.
func LoadClip(b []byte) (*Clip, error) {
	var init fmp4.Init
	if err := init.Unmarshal(bytes.NewReader(b)); err != nil {
		return nil, fmt.Errorf("democam: parse clip init: %w", err)
	}
	var parts fmp4.Parts
	if err := parts.Unmarshal(b); err != nil {
		return nil, fmt.Errorf("democam: parse clip fragments: %w", err)
	}

	c := &Clip{}
	videoID, audioID := 0, 0
	for _, t := range init.Tracks {
		if t.TimeScale == 0 {
			return nil, fmt.Errorf("democam: track %d: zero time scale", t.ID)
		}
		switch codec := t.Codec.(type) {
		case *mp4.CodecH264:
			if videoID != 0 {
				return nil, fmt.Errorf("%w: more than one video track", ErrUnsupported)
			}
			videoID, c.Codec, c.SPS, c.PPS = t.ID, CodecH264, codec.SPS, codec.PPS
			c.Video.TimeScale = t.TimeScale
		case *mp4.CodecH265:
			if videoID != 0 {
				return nil, fmt.Errorf("%w: more than one video track", ErrUnsupported)
			}
			videoID, c.Codec = t.ID, CodecH265
			c.VPS, c.SPS, c.PPS = codec.VPS, codec.SPS, codec.PPS
			c.Video.TimeScale = t.TimeScale
		case *mp4.CodecMPEG4Audio:
			if audioID != 0 {
				return nil, fmt.Errorf("%w: more than one audio track", ErrUnsupported)
			}
			audioID = t.ID
			c.Audio = &AudioTrack{Config: codec.Config, TimeScale: t.TimeScale}
		default:
			return nil, fmt.Errorf("%w: track %d has codec %T", ErrUnsupported, t.ID, t.Codec)
		}
	}
	if videoID == 0 {
		return nil, fmt.Errorf("%w: no H.264 or H.265 video track", ErrUnsupported)
	}
	if c.Audio != nil && c.Audio.Config.SampleRate <= 0 {
		return nil, fmt.Errorf("democam: audio track %d: invalid sample rate %d", audioID, c.Audio.Config.SampleRate)
	}

	var video0 uint64
	var haveVideo0 bool
	for _, p := range parts {
		for _, pt := range p.Tracks {
			if pt.ID == videoID && len(pt.Samples) > 0 && (!haveVideo0 || pt.BaseTime < video0) {
				video0, haveVideo0 = pt.BaseTime, true
			}
		}
	}
	if !haveVideo0 {
		return nil, errors.New("democam: clip has no video samples")
	}

	for _, p := range parts {
		for _, pt := range p.Tracks {
			var err error
			switch pt.ID {
			case videoID:
				err = c.addVideo(pt, video0)
			case audioID:
				err = c.addAudio(pt, video0)
			}
			if err != nil {
				return nil, err
			}
		}
	}
	if !c.Video.Samples[0].Key {
		return nil, errors.New("democam: first video sample is not a random access point")
	}
	last := c.Video.Samples[len(c.Video.Samples)-1]
	if err := checkTime(uint64(last.Time)+uint64(last.Duration), c.Video.TimeScale); err != nil {
		return nil, err
	}
	if a := c.Audio; a != nil && len(a.Samples) > 0 {
		last := a.Samples[len(a.Samples)-1]
		if last.Time > 0 {
			if err := checkTime(uint64(last.Time)+uint64(last.Duration), a.TimeScale); err != nil {
				return nil, err
			}
		}
	}
	return c, nil
}

// checkTime rejects times beyond maxClipLength.
func checkTime(ticks uint64, timeScale uint32) error {
	if ticks/uint64(timeScale) > uint64(maxClipLength/time.Second) {
		return fmt.Errorf("democam: time %d/%d s is beyond %v", ticks, timeScale, maxClipLength)
	}
	return nil
}

// addVideo appends the samples of one fragment of the video track; video0 is
// the decode time of the first video sample.
func (c *Clip) addVideo(pt *fmp4.PartTrack, video0 uint64) error {
	if err := checkTime(pt.BaseTime-video0, c.Video.TimeScale); err != nil {
		return err
	}
	t := int64(pt.BaseTime - video0)
	if n := len(c.Video.Samples); n > 0 && t < c.Video.Samples[n-1].Time+int64(c.Video.Samples[n-1].Duration) {
		return fmt.Errorf("democam: video fragment at %d overlaps the previous one", pt.BaseTime)
	}
	for i, s := range pt.Samples {
		var au h264.AVCC
		if err := au.Unmarshal(s.Payload); err != nil {
			return fmt.Errorf("democam: video sample %d of fragment at %d: %w", i, pt.BaseTime, err)
		}
		if s.Duration == 0 {
			return fmt.Errorf("democam: video sample %d of fragment at %d: zero duration", i, pt.BaseTime)
		}
		c.Video.Samples = append(c.Video.Samples, VideoSample{
			Time:      t,
			Duration:  s.Duration,
			PTSOffset: s.PTSOffset,
			Key:       c.isRandomAccess(au),
			NALUs:     au,
		})
		t += int64(s.Duration)
	}
	return nil
}

// isRandomAccess reports whether au starts a decodable picture. The bitstream
// decides, not the file's sample flags: the fMP4 reader does not see ffmpeg's
// trun first-sample flags, which is where ffmpeg marks its sync samples.
func (c *Clip) isRandomAccess(au [][]byte) bool {
	if c.Codec == CodecH265 {
		return h265.IsRandomAccess(au)
	}
	return h264.IsRandomAccess(au)
}

// addAudio appends the samples of one fragment of the audio track, with times
// converted to be relative to the first video sample.
func (c *Clip) addAudio(pt *fmp4.PartTrack, video0 uint64) error {
	a := c.Audio
	if err := checkTime(pt.BaseTime, a.TimeScale); err != nil {
		return err
	}
	// The first video sample's time on the audio time scale.
	offset := rescale(int64(video0), c.Video.TimeScale, a.TimeScale)
	t := int64(pt.BaseTime) - offset
	if n := len(a.Samples); n > 0 && t < a.Samples[n-1].Time+int64(a.Samples[n-1].Duration) {
		return fmt.Errorf("democam: audio fragment at %d overlaps the previous one", pt.BaseTime)
	}
	for i, s := range pt.Samples {
		if len(s.Payload) == 0 || s.Duration == 0 {
			return fmt.Errorf("democam: audio sample %d of fragment at %d: empty", i, pt.BaseTime)
		}
		a.Samples = append(a.Samples, AudioSample{
			Time:     t,
			Duration: s.Duration,
			Frame:    s.Payload,
		})
		t += int64(s.Duration)
	}
	return nil
}

// rescale converts v ticks of time scale from to ticks of time scale to,
// rounding toward zero. It does not overflow for |v| up to maxClipLength.
func rescale(v int64, from, to uint32) int64 {
	sec, rem := v/int64(from), v%int64(from)
	return sec*int64(to) + rem*int64(to)/int64(from)
}

// ticksToDuration converts ticks of the given time scale to a time.Duration.
func ticksToDuration(ticks int64, timeScale uint32) time.Duration {
	return time.Duration(rescale(ticks, timeScale, uint32(time.Second)))
}
