package democam

import (
	"cmp"
	"slices"
	"time"

	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h264"
	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h265"
)

// videoClockRate is the RTP clock rate of H.264 and H.265.
const videoClockRate = 90000

// plan is one loop of a clip as a time-ordered list of sends.
type plan struct {
	clip     *Clip
	events   []event
	length   time.Duration // wall time of one loop
	videoLen uint32        // one loop in video RTP ticks
	audioLen uint32        // one loop in audio RTP ticks (the sample rate)
}

// event is one access unit or AAC frame to send.
type event struct {
	at    time.Duration // from the loop start
	ts    uint32        // RTP ticks from the loop start (presentation time)
	audio bool
	data  [][]byte // NALUs of a video access unit, or one AAC frame
}

// newPlan lays out one loop of c. Audio frames outside the video's time span
// are left out so RTP timestamps never overlap across loops; key access
// units get the parameter sets in band, as cameras send them.
func newPlan(c *Clip) *plan {
	v := c.Video
	last := v.Samples[len(v.Samples)-1]
	end := last.Time + int64(last.Duration) // video ticks
	p := &plan{
		clip:     c,
		length:   ticksToDuration(end, v.TimeScale),
		videoLen: uint32(rescale(end, v.TimeScale, videoClockRate)),
	}
	for _, s := range v.Samples {
		au := s.NALUs
		if s.Key {
			au = withParams(c, au)
		}
		p.events = append(p.events, event{
			at:   ticksToDuration(s.Time, v.TimeScale),
			ts:   uint32(rescale(s.Time+int64(s.PTSOffset), v.TimeScale, videoClockRate)),
			data: au,
		})
	}
	if a := c.Audio; a != nil {
		rate := a.clockRate()
		audioEnd := rescale(end, v.TimeScale, a.TimeScale)
		p.audioLen = uint32(rescale(end, v.TimeScale, rate))
		for _, s := range a.Samples {
			if s.Time < 0 || s.Time+int64(s.Duration) > audioEnd {
				continue
			}
			p.events = append(p.events, event{
				at:    ticksToDuration(s.Time, a.TimeScale),
				ts:    uint32(rescale(s.Time, a.TimeScale, rate)),
				audio: true,
				data:  [][]byte{s.Frame},
			})
		}
	}
	// Stable: at equal times video stays ahead of audio.
	slices.SortStableFunc(p.events, func(a, b event) int { return cmp.Compare(a.at, b.at) })
	return p
}

// withParams prepends the clip's parameter sets to a key access unit unless
// it already carries an SPS.
func withParams(c *Clip, au [][]byte) [][]byte {
	var params [][]byte
	switch c.Codec {
	case CodecH264:
		for _, n := range au {
			if h264.NALUType(n[0]&0x1f) == h264.NALUTypeSPS {
				return au
			}
		}
		params = [][]byte{c.SPS, c.PPS}
	case CodecH265:
		for _, n := range au {
			if h265.NALUType((n[0]>>1)&0x3f) == h265.NALUType_SPS_NUT {
				return au
			}
		}
		params = [][]byte{c.VPS, c.SPS, c.PPS}
	}
	out := make([][]byte, 0, len(params)+len(au))
	for _, n := range params {
		if len(n) > 0 {
			out = append(out, n)
		}
	}
	return append(out, au...)
}
