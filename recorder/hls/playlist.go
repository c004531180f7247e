package hls

import (
	"fmt"
	"strings"
	"time"
)

// playlist renders the media playlist. Parts are listed for the segments that end within three target
// durations of the playlist's end (RFC 8216bis 4.4.4.9: older parts should go), and the preload hint
// names the part that comes next. Holds w.mu.
func (w *window) playlist() []byte {
	var b strings.Builder
	target := int(w.cfg.TargetDuration.Round(time.Second) / time.Second)
	partTarget := w.cfg.PartTarget.Seconds()
	fmt.Fprintf(&b, "#EXTM3U\n#EXT-X-VERSION:9\n#EXT-X-TARGETDURATION:%d\n", target)
	fmt.Fprintf(&b, "#EXT-X-PART-INF:PART-TARGET=%.3f\n", partTarget)
	fmt.Fprintf(&b, "#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=%.3f\n", 3*partTarget)
	fmt.Fprintf(&b, "#EXT-X-MEDIA-SEQUENCE:%d\n", w.segs[0].msn)
	if w.discSeq > 0 {
		fmt.Fprintf(&b, "#EXT-X-DISCONTINUITY-SEQUENCE:%d\n", w.discSeq)
	}
	end := w.segs[len(w.segs)-1].end()
	init := 0
	for _, s := range w.segs {
		if s.disc {
			b.WriteString("#EXT-X-DISCONTINUITY\n")
		}
		if s.init != init {
			init = s.init
			fmt.Fprintf(&b, "#EXT-X-MAP:URI=\"init%d.mp4%s\"\n", init, w.query)
		}
		fmt.Fprintf(&b, "#EXT-X-PROGRAM-DATE-TIME:%s\n", s.start.UTC().Format("2006-01-02T15:04:05.000Z07:00"))
		if end-s.end() < 3*w.cfg.TargetDuration {
			for _, p := range s.parts {
				fmt.Fprintf(&b, "#EXT-X-PART:DURATION=%.3f,URI=\"p%d.m4s%s\"", p.dur.Seconds(), p.id, w.query)
				if p.key {
					b.WriteString(",INDEPENDENT=YES")
				}
				b.WriteByte('\n')
			}
		}
		if s.done {
			fmt.Fprintf(&b, "#EXTINF:%.3f,\ns%d.m4s%s\n", s.dur.Seconds(), s.msn, w.query)
		}
	}
	fmt.Fprintf(&b, "#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"p%d.m4s%s\"\n", w.nextPart, w.query)
	return []byte(b.String())
}
