package keyframe

import (
	"bytes"
	"time"
)

// Keyframe is one random access point as the recorder holds it: NAL units without start codes.
type Keyframe struct {
	Time time.Time
	// Params are the parameter sets in force (VPS, SPS, PPS), written in front of the picture: cameras
	// often send them only out of band (SDP sprop), and a decoder needs them before every keyframe it is
	// given on its own. Repeats are harmless.
	Params [][]byte
	NALUs  [][]byte // the access unit
}

var startCode = []byte{0, 0, 0, 1}

// Access unit delimiters written after each keyframe: ffmpeg's parsers end an access unit only when the
// next one starts, so without it each picture would come out one keyframe late.
var (
	audH264 = []byte{0x09, 0xf0}
	audH265 = []byte{0x46, 0x01, 0x50}
)

// annexB writes k as an Annex-B byte stream, parameter sets first, then an access unit delimiter of codec
// ("h264" or "hevc") so the picture is complete on arrival.
func annexB(k Keyframe, codec string) []byte {
	var b bytes.Buffer
	for _, group := range [][][]byte{k.Params, k.NALUs} {
		for _, n := range group {
			if len(n) == 0 {
				continue
			}
			b.Write(startCode)
			b.Write(n)
		}
	}
	b.Write(startCode)
	if codec == "hevc" {
		b.Write(audH265)
	} else {
		b.Write(audH264)
	}
	return b.Bytes()
}
