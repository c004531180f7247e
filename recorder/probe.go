package recorder

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/bluenviron/gortsplib/v4/pkg/base"
	"github.com/bluenviron/gortsplib/v4/pkg/description"
	"github.com/bluenviron/gortsplib/v4/pkg/format"
	"github.com/bluenviron/gortsplib/v4/pkg/liberrors"
	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h264"
	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h265"
	"github.com/bluenviron/mediacommon/v2/pkg/formats/mp4"
	"github.com/pion/rtp"
)

// ErrUnauthorized is returned by Probe when the camera refuses the credentials in the URL (RTSP 401).
var ErrUnauthorized = errors.New("camera refused the credentials (401 Unauthorized)")

// probeReadTimeout bounds each RTSP read of a probe; the caller's ctx bounds the whole probe.
const probeReadTimeout = 10 * time.Second

// ProbeResult is what a camera stream offers, as the recorder would record it.
type ProbeResult struct {
	VideoCodec string  `json:"video_codec"` // "H264" or "H265"
	Width      int     `json:"width"`
	Height     int     `json:"height"`
	FPS        float64 `json:"fps,omitempty"` // 0 when the SPS carries no timing info
	// AudioCodec is "AAC", "Opus" or "G711", or empty when the camera offers no audio the recorder keeps.
	AudioCodec string `json:"audio_codec,omitempty"`
	SampleRate int    `json:"sample_rate,omitempty"` // Hz
	Channels   int    `json:"channels,omitempty"`
}

// Probe connects to a camera stream (rtsp:// or rtsps://, credentials in the URL; transport "tcp", the
// default, or "udp") the way a recording session does, and reports its video and audio. The picture size
// comes from the SPS in the SDP or, when the SDP has none, from the first in-band SPS, which needs the
// stream to play until a keyframe arrives. ctx bounds the whole probe: give it a deadline (10 s suits a
// camera on the LAN). Errors say what failed: the URL, connecting, DESCRIBE (ErrUnauthorized for a wrong
// password), ErrNoVideo, or the deadline (context.DeadlineExceeded).
func Probe(ctx context.Context, url, transport string) (*ProbeResult, error) {
	res, err := probe(ctx, url, transport)
	if err != nil {
		var bad liberrors.ErrClientBadStatusCode
		switch {
		case ctx.Err() != nil:
			err = fmt.Errorf("%w (%w)", ctx.Err(), err)
		case errors.As(err, &bad) && bad.Code == base.StatusUnauthorized:
			err = fmt.Errorf("%w: %w", ErrUnauthorized, err)
		}
		return nil, fmt.Errorf("probe: %w", err)
	}
	return res, nil
}

func probe(ctx context.Context, url, transport string) (*ProbeResult, error) {
	rc, err := dialDescribe(ctx, url, transport, probeReadTimeout, nil)
	if err != nil {
		return nil, err
	}
	defer rc.close()
	tracks, err := pickTracks(rc.desc)
	if err != nil {
		return nil, err
	}
	video := tracks[0]
	res := &ProbeResult{VideoCodec: video.codec}
	if len(tracks) > 1 {
		res.AudioCodec, res.SampleRate, res.Channels = audioInfo(tracks[1].format)
	}
	if !video.paramsReady() {
		if err := waitParams(ctx, rc, video); err != nil {
			return nil, err
		}
	}
	if err := res.setPicture(video.params); err != nil {
		return nil, err
	}
	return res, nil
}

// waitParams plays the video track until an access unit brings the parameter sets the SDP lacked.
func waitParams(ctx context.Context, rc *rtspConn, t *trackSpec) error {
	if err := rc.c.SetupAll(rc.desc.BaseURL, []*description.Media{t.media}); err != nil {
		return fmt.Errorf("setup: %w", err)
	}
	ready := make(chan struct{})
	done := false
	// Packets of one media arrive on one goroutine, so done needs no lock.
	rc.c.OnPacketRTP(t.media, t.format, func(pkt *rtp.Packet) {
		if done {
			return
		}
		aus, err := t.decode(pkt)
		if err != nil {
			return
		}
		for _, au := range aus {
			t.updateParams(au.nalus)
		}
		if t.paramsReady() {
			done = true
			close(ready)
		}
	})
	if _, err := rc.c.Play(nil); err != nil {
		return fmt.Errorf("play: %w", err)
	}
	errc := make(chan error, 1)
	go func() { errc <- rc.c.Wait() }()
	defer func() {
		rc.close()
		<-errc
	}()
	select {
	case <-ready:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("waiting for a keyframe with the stream's SPS: %w", ctx.Err())
	case err := <-errc:
		return fmt.Errorf("stream ended before a keyframe with the stream's SPS: %w", err)
	}
}

// setPicture parses the SPS in params for the picture size and frame rate.
func (res *ProbeResult) setPicture(params mp4.Codec) error {
	switch c := params.(type) {
	case *mp4.CodecH264:
		var sps h264.SPS
		if err := sps.Unmarshal(c.SPS); err != nil {
			return fmt.Errorf("H.264 SPS: %w", err)
		}
		res.Width, res.Height, res.FPS = sps.Width(), sps.Height(), finite(sps.FPS())
	case *mp4.CodecH265:
		var sps h265.SPS
		if err := sps.Unmarshal(c.SPS); err != nil {
			return fmt.Errorf("H.265 SPS: %w", err)
		}
		res.Width, res.Height, res.FPS = sps.Width(), sps.Height(), finite(sps.FPS())
	}
	return nil
}

// finite turns the rate of a malformed timing info (a zero tick) into "unknown".
func finite(f float64) float64 {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return 0
	}
	return f
}

// audioInfo describes an audio format pickTracks chose.
func audioInfo(f format.Format) (codec string, rate, channels int) {
	switch f := f.(type) {
	case *format.MPEG4Audio:
		return "AAC", f.Config.SampleRate, f.Config.ChannelCount
	case *format.Opus:
		return "Opus", 48000, f.ChannelCount
	case *format.G711:
		return "G711", f.SampleRate, f.ChannelCount
	}
	return "", 0, 0
}
