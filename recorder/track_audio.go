package recorder

import (
	"fmt"

	"github.com/bluenviron/gortsplib/v4/pkg/description"
	"github.com/bluenviron/gortsplib/v4/pkg/format"
	"github.com/bluenviron/mediacommon/v2/pkg/formats/mp4"
	"github.com/pion/rtp"

	"github.com/porchlight/porchlight/recorder/index"
)

// audioSpec returns the spec of a supported audio format (AAC, Opus, G.711), or nil.
func audioSpec(medi *description.Media, forma format.Format) (*trackSpec, error) {
	switch f := forma.(type) {
	case *format.MPEG4Audio:
		if f.Config == nil {
			return nil, nil
		}
		dec, err := f.CreateDecoder()
		if err != nil {
			return nil, fmt.Errorf("AAC decoder: %w", err)
		}
		frameLen := uint32(1024)
		if f.Config.FrameLengthFlag {
			frameLen = 960
		}
		t := &trackSpec{media: medi, format: f, kind: index.Audio, codec: "MPEG4Audio",
			rate: uint32(f.ClockRate()), params: &mp4.CodecMPEG4Audio{Config: *f.Config}}
		var out []accessUnit // reused between packets (see trackSpec.decode)
		t.decode = func(pkt *rtp.Packet) ([]accessUnit, error) {
			aus, err := dec.Decode(pkt)
			if err != nil {
				return nil, err
			}
			out = out[:0]
			for i, au := range aus {
				out = append(out, accessUnit{payload: au, rtpTS: pkt.Timestamp + uint32(i)*frameLen})
			}
			return out, nil
		}
		return t, nil
	case *format.Opus:
		dec, err := f.CreateDecoder()
		if err != nil {
			return nil, fmt.Errorf("Opus decoder: %w", err)
		}
		t := &trackSpec{media: medi, format: f, kind: index.Audio, codec: "Opus", rate: 48000,
			params: &mp4.CodecOpus{ChannelCount: f.ChannelCount}}
		var out [1]accessUnit // reused between packets (see trackSpec.decode)
		t.decode = func(pkt *rtp.Packet) ([]accessUnit, error) {
			p, err := dec.Decode(pkt)
			if err != nil {
				return nil, err
			}
			out[0] = accessUnit{payload: p, rtpTS: pkt.Timestamp}
			return out[:], nil
		}
		return t, nil
	case *format.G711:
		dec, err := f.CreateDecoder()
		if err != nil {
			return nil, fmt.Errorf("G.711 decoder: %w", err)
		}
		t := &trackSpec{media: medi, format: f, kind: index.Audio, codec: "LPCM", rate: uint32(f.SampleRate),
			params: &mp4.CodecLPCM{BitDepth: 16, SampleRate: f.SampleRate, ChannelCount: f.ChannelCount}}
		var out [1]accessUnit // reused between packets (see trackSpec.decode)
		t.decode = func(pkt *rtp.Packet) ([]accessUnit, error) {
			p, err := dec.Decode(pkt)
			if err != nil {
				return nil, err
			}
			out[0] = accessUnit{payload: g711Payload(f.MULaw, p), rtpTS: pkt.Timestamp}
			return out[:], nil
		}
		return t, nil
	}
	return nil, nil
}
