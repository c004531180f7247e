package nvr_test

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// BenchmarkHLSPartDelivery measures the LL-HLS path as a low-latency client sees it, without a player's
// buffer: a client that follows the playlist part by part with blocking reloads (as Safari and hls.js
// do) notes, for every new part, how long after the wall time of the end of the part's last frame its
// bytes were in hand (wall time from the segment's EXT-X-PROGRAM-DATE-TIME plus the parts before it), and
// the same from the part's first frame (plus the part's duration: a part is cut when its last frame is
// complete). A player adds its hold-back (PART-HOLD-BACK, 0.75 s) and decoding on top. 20 s of a gst-rtsp-server camera's main
// stream. Runs once whatever b.N.
func BenchmarkHLSPartDelivery(b *testing.B) {
	base, token, _ := startHLSNode(b)
	url := base + "/api/v1/cameras/front/hls/index.m3u8"
	dir := base + "/api/v1/cameras/front/hls/"
	_, _, body := hlsGet(b, url, token)
	p := parseLL(b, body)
	msn, part := p.segments[len(p.segments)-1].msn+1, 0
	var sum, sumFirst, worst float64
	n := 0
	for end := time.Now().Add(20 * time.Second); time.Now().Before(end); {
		code, _, body := hlsGet(b, url+fmt.Sprintf("?_HLS_msn=%d&_HLS_part=%d", msn, part), token)
		if code != 200 {
			b.Fatalf("blocking reload: %d %s", code, body)
		}
		pl := parseLL(b, body)
		// Find part `part` of segment msn: in a complete segment or the open one.
		var parts []llPart
		var pdt time.Time
		for _, s := range pl.segments {
			if s.msn == msn {
				parts, pdt = s.parts, s.pdt
			}
		}
		if parts == nil {
			last := pl.segments[len(pl.segments)-1]
			if last.msn+1 != msn {
				b.Fatalf("segment %d is neither in the playlist nor the open one", msn)
			}
			parts, pdt = pl.open, openPDT(body)
		}
		if part >= len(parts) { // the segment ended before that part: go on with the next one
			msn, part = msn+1, 0
			continue
		}
		partEnd := pdt
		for _, pt := range parts[:part+1] {
			partEnd = partEnd.Add(time.Duration(pt.dur * float64(time.Second)))
		}
		if code, _, _ := hlsGet(b, dir+parts[part].uri, token); code != 200 {
			b.Fatalf("part %s: %d", parts[part].uri, code)
		}
		lag := time.Since(partEnd).Seconds()
		sum += lag
		sumFirst += lag + parts[part].dur
		worst = max(worst, lag)
		n++
		part++
	}
	b.ReportMetric(sum/float64(n), "s-part-lag-mean")
	b.ReportMetric(worst, "s-part-lag-max")
	b.ReportMetric(sumFirst/float64(n), "s-first-frame-lag-mean")
	b.ReportMetric(float64(n), "parts")
}

// openPDT returns the last EXT-X-PROGRAM-DATE-TIME of a playlist: that of its open segment.
func openPDT(body []byte) time.Time {
	var t time.Time
	for l := range strings.SplitSeq(string(body), "\n") {
		if v, ok := strings.CutPrefix(l, "#EXT-X-PROGRAM-DATE-TIME:"); ok {
			t, _ = time.Parse(time.RFC3339Nano, v)
		}
	}
	return t
}
