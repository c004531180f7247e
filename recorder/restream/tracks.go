package restream

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/bluenviron/gortsplib/v4/pkg/description"
	"github.com/bluenviron/gortsplib/v4/pkg/format"
	"github.com/bluenviron/mediacommon/v2/pkg/formats/fmp4"
	"github.com/bluenviron/mediacommon/v2/pkg/formats/mp4"
	"github.com/pion/rtp"
)

// errNoTracks: an init with no track the restream can send.
var errNoTracks = errors.New("no H.264, H.265, AAC, Opus or PCM track")

// RTP payload types announced in the SDP, by the track's position.
const firstPayloadType = 96

// track is one restreamed track: its media in the SDP and how its samples become RTP packets.
type track struct {
	id     int    // fMP4 track ID
	scale  uint32 // fMP4 timescale of the sample times
	media  *description.Media
	format format.Format
	codec  mp4.Codec // for fits
	encode func(s *fmp4.Sample) ([]*rtp.Packet, error)
}

// layout is the set of tracks of one init, in the init's order.
type layout struct {
	tracks []*track
}

// parseLayout reads a segment init (ftyp and moov: recorder.LivePart.PlayerInit) and
// builds a track, with its RTP format and packetizer, for every track it can restream; others are left
// out of the SDP.
func parseLayout(init []byte) (*layout, error) {
	var in fmp4.Init
	if err := in.Unmarshal(bytes.NewReader(init)); err != nil {
		return nil, fmt.Errorf("segment init: %w", err)
	}
	l := &layout{}
	for _, it := range in.Tracks {
		t, err := newTrack(it, firstPayloadType+len(l.tracks))
		if err != nil {
			return nil, fmt.Errorf("track %d: %w", it.ID, err)
		}
		if t != nil {
			l.tracks = append(l.tracks, t)
		}
	}
	if len(l.tracks) == 0 {
		return nil, errNoTracks
	}
	return l, nil
}

// description is the SDP of the layout.
func (l *layout) description() *description.Session {
	d := &description.Session{Title: "Porchlight restream"}
	for _, t := range l.tracks {
		d.Medias = append(d.Medias, t.media)
	}
	return d
}

// fits reports whether other can be sent on a stream announced with l: the same tracks with the same
// codecs, and the same audio configuration. Video parameter sets may differ: they also travel in band
// before every keyframe.
func (l *layout) fits(other *layout) bool {
	if len(l.tracks) != len(other.tracks) {
		return false
	}
	for i, a := range l.tracks {
		b := other.tracks[i]
		if a.id != b.id || a.scale != b.scale || fmt.Sprintf("%T", a.codec) != fmt.Sprintf("%T", b.codec) {
			return false
		}
		switch ca := a.codec.(type) {
		case *mp4.CodecMPEG4Audio:
			if ca.Config != b.codec.(*mp4.CodecMPEG4Audio).Config {
				return false
			}
		case *mp4.CodecOpus:
			if *ca != *b.codec.(*mp4.CodecOpus) {
				return false
			}
		case *mp4.CodecLPCM:
			if *ca != *b.codec.(*mp4.CodecLPCM) {
				return false
			}
		}
	}
	return true
}

// useParams gives the SDP of readers that connect from now on the video parameter sets of other, which
// fits l. The packetizers of l stay: their sequence numbers go on.
func (l *layout) useParams(other *layout) {
	for i, t := range l.tracks {
		switch c := other.tracks[i].codec.(type) {
		case *mp4.CodecH264:
			t.format.(*format.H264).SafeSetParams(c.SPS, c.PPS)
			t.codec = c
		case *mp4.CodecH265:
			t.format.(*format.H265).SafeSetParams(c.VPS, c.SPS, c.PPS)
			t.codec = c
		}
	}
}

// newTrack returns the track for an init track, or nil when its codec is not restreamed.
func newTrack(it *fmp4.InitTrack, pt int) (*track, error) {
	t := &track{id: it.ID, scale: it.TimeScale, codec: it.Codec}
	if t.scale == 0 {
		return nil, errors.New("time scale 0")
	}
	var err error
	switch c := it.Codec.(type) {
	case *mp4.CodecH264:
		err = t.h264(c, uint8(pt))
	case *mp4.CodecH265:
		err = t.h265(c, uint8(pt))
	case *mp4.CodecMPEG4Audio:
		err = t.aac(c, uint8(pt))
	case *mp4.CodecOpus:
		err = t.opus(c, uint8(pt))
	case *mp4.CodecLPCM:
		if c.LittleEndian || c.BitDepth != 16 {
			return nil, nil // RTP's L16 is big-endian; the recorder writes G.711 as big-endian 16 bits
		}
		err = t.lpcm(c, uint8(pt))
	default:
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	mt := description.MediaTypeAudio
	if it.Codec.IsVideo() {
		mt = description.MediaTypeVideo
	}
	t.media = &description.Media{Type: mt, Formats: []format.Format{t.format}}
	return t, nil
}
