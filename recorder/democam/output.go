package democam

import (
	"fmt"

	"github.com/bluenviron/gortsplib/v4"
	"github.com/bluenviron/gortsplib/v4/pkg/description"
	"github.com/bluenviron/gortsplib/v4/pkg/format"
	"github.com/pion/rtp"
)

// RTP payload types announced in the SDP.
const (
	videoPayloadType = 96
	audioPayloadType = 97
)

// auEncoder is what the gortsplib RTP encoders of H.264, H.265 and MPEG-4
// audio have in common.
type auEncoder interface {
	Encode(au [][]byte) ([]*rtp.Packet, error)
}

// output is a ServerStream and the RTP encoders feeding it. Its description
// fixes the codec and the audio config; a clip with other ones needs a new
// output, while new parameter sets only update the SDP for later readers.
type output struct {
	stream   *gortsplib.ServerStream
	clip     *Clip // clip whose codec layout the description announces
	video    *description.Media
	videoFmt format.Format
	videoEnc auEncoder
	audio    *description.Media // nil without audio
	audioEnc auEncoder
}

// newOutput announces c's tracks on srv and creates their encoders.
func newOutput(srv *gortsplib.Server, c *Clip) (*output, error) {
	o := &output{clip: c}
	var err error
	switch c.Codec {
	case CodecH264:
		f := &format.H264{PayloadTyp: videoPayloadType, SPS: c.SPS, PPS: c.PPS, PacketizationMode: 1}
		o.videoFmt = f
		o.videoEnc, err = f.CreateEncoder()
	case CodecH265:
		f := &format.H265{PayloadTyp: videoPayloadType, VPS: c.VPS, SPS: c.SPS, PPS: c.PPS}
		o.videoFmt = f
		o.videoEnc, err = f.CreateEncoder()
	default:
		return nil, fmt.Errorf("%w: codec %v", ErrUnsupported, c.Codec)
	}
	if err != nil {
		return nil, fmt.Errorf("democam: %v encoder: %w", c.Codec, err)
	}
	o.video = &description.Media{Type: description.MediaTypeVideo, Formats: []format.Format{o.videoFmt}}
	desc := &description.Session{Title: "Porchlight demo camera", Medias: []*description.Media{o.video}}

	if c.Audio != nil {
		f, enc, err := audioOutput(c.Audio)
		if err != nil {
			return nil, err
		}
		o.audioEnc = enc
		o.audio = &description.Media{Type: description.MediaTypeAudio, Formats: []format.Format{f}}
		desc.Medias = append(desc.Medias, o.audio)
	}

	o.stream = &gortsplib.ServerStream{Server: srv, Desc: desc}
	if err := o.stream.Initialize(); err != nil {
		return nil, fmt.Errorf("democam: stream: %w", err)
	}
	return o, nil
}

// fits reports whether c can be sent on this output without a new SDP
// layout: same video codec, and audio absent on both or with equal config.
func (o *output) fits(c *Clip) bool {
	a, b := o.clip, c
	if a.Codec != b.Codec || (a.Audio == nil) != (b.Audio == nil) {
		return false
	}
	return a.Audio == nil || (a.Audio.Codec == b.Audio.Codec && a.Audio.Config == b.Audio.Config)
}

// use switches to c, which must fit, so that readers connecting from now on
// get its parameter sets in the SDP; current readers get them in band.
func (o *output) use(c *Clip) {
	switch f := o.videoFmt.(type) {
	case *format.H264:
		f.SafeSetParams(c.SPS, c.PPS)
	case *format.H265:
		f.SafeSetParams(c.VPS, c.SPS, c.PPS)
	}
	o.clip = c
}

// close disconnects the readers and releases the stream.
func (o *output) close() {
	o.stream.Close()
}

// encodeFunc adapts a one-frame RTP encoder to auEncoder.
type encodeFunc func(au [][]byte) ([]*rtp.Packet, error)

func (f encodeFunc) Encode(au [][]byte) ([]*rtp.Packet, error) { return f(au) }

// audioOutput returns the RTP format and encoder of an audio track.
func audioOutput(a *AudioTrack) (format.Format, auEncoder, error) {
	switch a.Codec {
	case AudioG711:
		f := &format.G711{PayloadTyp: 0, MULaw: true, SampleRate: 8000, ChannelCount: 1}
		enc, err := f.CreateEncoder()
		if err != nil {
			return nil, nil, fmt.Errorf("democam: G.711 encoder: %w", err)
		}
		return f, encodeFunc(func(au [][]byte) ([]*rtp.Packet, error) { return enc.Encode(au[0]) }), nil
	case AudioOpus:
		f := &format.Opus{PayloadTyp: audioPayloadType, ChannelCount: 1}
		enc, err := f.CreateEncoder()
		if err != nil {
			return nil, nil, fmt.Errorf("democam: Opus encoder: %w", err)
		}
		return f, encodeFunc(func(au [][]byte) ([]*rtp.Packet, error) {
			pkt, err := enc.Encode(au[0])
			return []*rtp.Packet{pkt}, err
		}), nil
	}
	cfg := a.Config
	f := &format.MPEG4Audio{PayloadTyp: audioPayloadType, ProfileLevelID: 1, Config: &cfg, SizeLength: 13,
		IndexLength: 3, IndexDeltaLength: 3}
	enc, err := f.CreateEncoder()
	if err != nil {
		return nil, nil, fmt.Errorf("democam: AAC encoder: %w", err)
	}
	return f, enc, nil
}
