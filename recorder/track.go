package recorder

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/bluenviron/gortsplib/v4/pkg/description"
	"github.com/bluenviron/gortsplib/v4/pkg/format"
	"github.com/bluenviron/gortsplib/v4/pkg/format/rtph264"
	"github.com/bluenviron/gortsplib/v4/pkg/format/rtph265"
	"github.com/bluenviron/mediacommon/v2/pkg/codecs/g711"
	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h264"
	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h265"
	"github.com/bluenviron/mediacommon/v2/pkg/formats/mp4"
	"github.com/pion/rtp"

	"github.com/porchlight/porchlight/recorder/index"
)

// ErrNoVideo is returned (by Probe, and as a session error) when a camera offers no H.264 or H.265 video.
var ErrNoVideo = errors.New("camera offers no H.264 or H.265 video")

// accessUnit is one decoded frame of a track, before timing.
type accessUnit struct {
	nalus   [][]byte // video: NAL units of the access unit
	payload []byte   // audio: the frame as stored in MP4
	rtpTS   uint32   // RTP timestamp of this frame
}

// trackSpec is one recorded track: how to turn its RTP packets into frames and how to describe it in MP4.
type trackSpec struct {
	media  *description.Media
	format format.Format
	kind   index.Kind
	codec  string
	rate   uint32
	// params holds the current parameter sets (video) or fixed codec config (audio).
	params mp4.Codec
	// decode turns one RTP packet into zero or more frames. The slice it returns is valid until the next
	// call (the frames in it stay valid).
	decode func(pkt *rtp.Packet) ([]accessUnit, error)
}

// pickTracks chooses the first H.264/H.265 video and the first supported audio of a session.
func pickTracks(desc *description.Session) ([]*trackSpec, error) {
	var video, audio *trackSpec
	for _, medi := range desc.Medias {
		for _, forma := range medi.Formats {
			if video == nil {
				if t, err := videoSpec(medi, forma); err != nil {
					return nil, err
				} else if t != nil {
					video = t
					continue
				}
			}
			if audio == nil {
				if t, err := audioSpec(medi, forma); err != nil {
					return nil, err
				} else if t != nil {
					audio = t
				}
			}
		}
	}
	if video == nil {
		return nil, ErrNoVideo
	}
	if audio == nil {
		return []*trackSpec{video}, nil
	}
	return []*trackSpec{video, audio}, nil
}

func videoSpec(medi *description.Media, forma format.Format) (*trackSpec, error) {
	switch f := forma.(type) {
	case *format.H264:
		dec, err := f.CreateDecoder()
		if err != nil {
			return nil, fmt.Errorf("H.264 decoder: %w", err)
		}
		sps, pps := f.SafeParams()
		t := &trackSpec{media: medi, format: f, kind: index.Video, codec: "H264", rate: 90000,
			params: &mp4.CodecH264{SPS: sps, PPS: pps}}
		t.decode = videoDecoder(dec.Decode, rtph264.ErrMorePacketsNeeded, rtph264.ErrNonStartingPacketAndNoPrevious)
		return t, nil
	case *format.H265:
		dec, err := f.CreateDecoder()
		if err != nil {
			return nil, fmt.Errorf("H.265 decoder: %w", err)
		}
		vps, sps, pps := f.SafeParams()
		t := &trackSpec{media: medi, format: f, kind: index.Video, codec: "H265", rate: 90000,
			params: &mp4.CodecH265{VPS: vps, SPS: sps, PPS: pps}}
		t.decode = videoDecoder(dec.Decode, rtph265.ErrMorePacketsNeeded, rtph265.ErrNonStartingPacketAndNoPrevious)
		return t, nil
	}
	return nil, nil
}

// videoDecoder wraps an RTP video decoder: a packet that completes an access unit yields it; a packet
// that only adds to one (or a fragment whose start was lost) yields nothing.
func videoDecoder(decode func(*rtp.Packet) ([][]byte, error), more, orphan error) func(*rtp.Packet) ([]accessUnit, error) {
	var out [1]accessUnit // reused: the caller uses the result before the next packet
	return func(pkt *rtp.Packet) ([]accessUnit, error) {
		au, err := decode(pkt)
		if err != nil {
			if errors.Is(err, more) || errors.Is(err, orphan) {
				return nil, nil
			}
			return nil, err
		}
		out[0] = accessUnit{nalus: au, rtpTS: pkt.Timestamp}
		return out[:], nil
	}
}

// updateParams records in-band parameter sets of a video access unit. It reports whether they differ from
// the ones the current segment was started with.
func (t *trackSpec) updateParams(nalus [][]byte) (changed bool) {
	switch c := t.params.(type) {
	case *mp4.CodecH264:
		for _, n := range nalus {
			if len(n) == 0 {
				continue
			}
			switch h264.NALUType(n[0] & 0x1f) {
			case h264.NALUTypeSPS:
				if !bytes.Equal(c.SPS, n) {
					c.SPS, changed = bytes.Clone(n), true
				}
			case h264.NALUTypePPS:
				if !bytes.Equal(c.PPS, n) {
					c.PPS, changed = bytes.Clone(n), true
				}
			}
		}
	case *mp4.CodecH265:
		for _, n := range nalus {
			if len(n) < 2 {
				continue
			}
			switch h265.NALUType((n[0] >> 1) & 0x3f) {
			case h265.NALUType_VPS_NUT:
				if !bytes.Equal(c.VPS, n) {
					c.VPS, changed = bytes.Clone(n), true
				}
			case h265.NALUType_SPS_NUT:
				if !bytes.Equal(c.SPS, n) {
					c.SPS, changed = bytes.Clone(n), true
				}
			case h265.NALUType_PPS_NUT:
				if !bytes.Equal(c.PPS, n) {
					c.PPS, changed = bytes.Clone(n), true
				}
			}
		}
	}
	return changed
}

// withParams returns nalus with the current parameter sets in front unless it already has an SPS.
func (t *trackSpec) withParams(nalus [][]byte) [][]byte {
	for _, n := range nalus {
		if len(n) > 0 && ((t.codec == "H264" && h264.NALUType(n[0]&0x1f) == h264.NALUTypeSPS) ||
			(t.codec == "H265" && h265.NALUType((n[0]>>1)&0x3f) == h265.NALUType_SPS_NUT)) {
			return nalus
		}
	}
	switch c := t.params.(type) {
	case *mp4.CodecH264:
		return append([][]byte{c.SPS, c.PPS}, nalus...)
	case *mp4.CodecH265:
		return append([][]byte{c.VPS, c.SPS, c.PPS}, nalus...)
	}
	return nalus
}

// paramSets returns the current parameter sets (VPS, SPS, PPS) of a video track. They are replaced, never
// written into, when the camera sends new ones, so the slices may be held read-only.
func (t *trackSpec) paramSets() [][]byte {
	switch c := t.params.(type) {
	case *mp4.CodecH264:
		return [][]byte{c.SPS, c.PPS}
	case *mp4.CodecH265:
		return [][]byte{c.VPS, c.SPS, c.PPS}
	}
	return nil
}

// paramsReady reports whether a video track knows all parameter sets needed for an init segment.
func (t *trackSpec) paramsReady() bool {
	switch c := t.params.(type) {
	case *mp4.CodecH264:
		return len(c.SPS) > 0 && len(c.PPS) > 0
	case *mp4.CodecH265:
		return len(c.VPS) > 0 && len(c.SPS) > 0 && len(c.PPS) > 0
	}
	return true
}

// isKey reports whether a video access unit is a random access point.
func (t *trackSpec) isKey(nalus [][]byte) bool {
	if t.codec == "H265" {
		return h265.IsRandomAccess(nalus)
	}
	return h264.IsRandomAccess(nalus)
}

// g711Payload expands G.711 to 16-bit big-endian LPCM, which MP4 can carry.
func g711Payload(mulaw bool, in []byte) []byte {
	if mulaw {
		return g711.DecodeMulaw(in)
	}
	return g711.DecodeAlaw(in)
}
