package restream

import (
	"fmt"

	"github.com/bluenviron/gortsplib/v4/pkg/format"
	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h264"
	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h265"
	"github.com/bluenviron/mediacommon/v2/pkg/formats/fmp4"
	"github.com/bluenviron/mediacommon/v2/pkg/formats/mp4"
	"github.com/pion/rtp"
)

// The packetizers below return a sample's packets with timestamps relative to the sample's own: the
// feed adds the sample's RTP time.

func (t *track) h264(c *mp4.CodecH264, pt uint8) error {
	f := &format.H264{PayloadTyp: pt, SPS: c.SPS, PPS: c.PPS, PacketizationMode: 1}
	enc, err := f.CreateEncoder()
	if err != nil {
		return fmt.Errorf("H.264 packetizer: %w", err)
	}
	t.format = f
	t.encode = func(s *fmp4.Sample) ([]*rtp.Packet, error) {
		au, err := s.GetH264()
		if err != nil {
			return nil, err
		}
		if !s.IsNonSyncSample {
			sps, pps := f.SafeParams()
			au = withParams(au, func(n []byte) bool { return h264.NALUType(n[0]&0x1f) == h264.NALUTypeSPS },
				sps, pps)
		}
		return enc.Encode(au)
	}
	return nil
}

func (t *track) h265(c *mp4.CodecH265, pt uint8) error {
	f := &format.H265{PayloadTyp: pt, VPS: c.VPS, SPS: c.SPS, PPS: c.PPS}
	enc, err := f.CreateEncoder()
	if err != nil {
		return fmt.Errorf("H.265 packetizer: %w", err)
	}
	t.format = f
	t.encode = func(s *fmp4.Sample) ([]*rtp.Packet, error) {
		au, err := s.GetH265()
		if err != nil {
			return nil, err
		}
		if !s.IsNonSyncSample {
			vps, sps, pps := f.SafeParams()
			au = withParams(au, func(n []byte) bool { return h265.NALUType((n[0]>>1)&0x3f) == h265.NALUType_SPS_NUT },
				vps, sps, pps)
		}
		return enc.Encode(au)
	}
	return nil
}

// withParams returns a keyframe's NAL units led by the parameter sets, unless it carries an SPS already
// (isSPS): a reader that joins at any keyframe can then decode, whatever the SDP it read.
func withParams(au [][]byte, isSPS func([]byte) bool, params ...[]byte) [][]byte {
	for _, n := range au {
		if len(n) > 0 && isSPS(n) {
			return au
		}
	}
	out := make([][]byte, 0, len(params)+len(au))
	for _, p := range params {
		if len(p) > 0 {
			out = append(out, p)
		}
	}
	return append(out, au...)
}

func (t *track) aac(c *mp4.CodecMPEG4Audio, pt uint8) error {
	cfg := c.Config
	f := &format.MPEG4Audio{PayloadTyp: pt, ProfileLevelID: 1, Config: &cfg, SizeLength: 13, IndexLength: 3,
		IndexDeltaLength: 3}
	enc, err := f.CreateEncoder()
	if err != nil {
		return fmt.Errorf("AAC packetizer: %w", err)
	}
	t.format = f
	t.encode = func(s *fmp4.Sample) ([]*rtp.Packet, error) { return enc.Encode([][]byte{s.Payload}) }
	return nil
}

func (t *track) opus(c *mp4.CodecOpus, pt uint8) error {
	f := &format.Opus{PayloadTyp: pt, ChannelCount: c.ChannelCount}
	enc, err := f.CreateEncoder()
	if err != nil {
		return fmt.Errorf("Opus packetizer: %w", err)
	}
	t.format = f
	t.encode = func(s *fmp4.Sample) ([]*rtp.Packet, error) {
		p, err := enc.Encode(s.Payload)
		if err != nil {
			return nil, err
		}
		return []*rtp.Packet{p}, nil
	}
	return nil
}

func (t *track) lpcm(c *mp4.CodecLPCM, pt uint8) error {
	f := &format.LPCM{PayloadTyp: pt, BitDepth: 16, SampleRate: c.SampleRate, ChannelCount: c.ChannelCount}
	enc, err := f.CreateEncoder()
	if err != nil {
		return fmt.Errorf("PCM packetizer: %w", err)
	}
	t.format = f
	t.encode = func(s *fmp4.Sample) ([]*rtp.Packet, error) { return enc.Encode(s.Payload) }
	return nil
}
