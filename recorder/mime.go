package recorder

import (
	"fmt"
	"strings"

	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h265"
	"github.com/bluenviron/mediacommon/v2/pkg/formats/mp4"
)

// mimeType is the MIME type with RFC 6381 codecs of a segment's tracks, as Media Source Extensions'
// isTypeSupported and addSourceBuffer want it.
func mimeType(tracks []*trackState) string {
	var codecs []string
	for _, t := range tracks {
		if c := codecString(t.spec.params); c != "" {
			codecs = append(codecs, c)
		}
	}
	return fmt.Sprintf(`video/mp4; codecs="%s"`, strings.Join(codecs, ","))
}

func codecString(c mp4.Codec) string {
	switch c := c.(type) {
	case *mp4.CodecH264:
		if len(c.SPS) >= 4 {
			return fmt.Sprintf("avc1.%02x%02x%02x", c.SPS[1], c.SPS[2], c.SPS[3])
		}
		return "avc1.42e01e"
	case *mp4.CodecH265:
		var sps h265.SPS
		if err := sps.Unmarshal(c.SPS); err == nil {
			p := sps.ProfileTierLevel
			var compat uint32
			for i, f := range p.GeneralProfileCompatibilityFlag {
				if f {
					compat |= 1 << i // reversed bit order, as RFC 6381 / ISO 14496-15 say
				}
			}
			tier := "L"
			if p.GeneralTierFlag == 1 {
				tier = "H"
			}
			return fmt.Sprintf("hvc1.%d.%X.%s%d.B0", p.GeneralProfileIdc, compat, tier, p.GeneralLevelIdc)
		}
		return "hvc1.1.6.L93.B0"
	case *mp4.CodecMPEG4Audio:
		return fmt.Sprintf("mp4a.40.%d", c.Config.Type)
	case *mp4.CodecOpus:
		return "opus"
	}
	return "" // LPCM: no MSE codec string; players that take it need none
}
