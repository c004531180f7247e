package democam

import (
	"strings"
	"testing"
	"time"

	"github.com/bluenviron/gortsplib/v4"
	"github.com/bluenviron/gortsplib/v4/pkg/base"
	"github.com/bluenviron/gortsplib/v4/pkg/format"
	"github.com/pion/rtp"

	"github.com/porchlight/porchlight/internal/testutil"
)

const (
	frameTicks = 90000 / 25 // one frame of the test clips in 90 kHz ticks
	aacTicks   = 1024       // one AAC frame at the sample rate
	waitLong   = 20 * time.Second
)

func TestServerTransports(t *testing.T) {
	for _, tr := range []gortsplib.Transport{gortsplib.TransportTCP, gortsplib.TransportUDP} {
		t.Run(tr.String(), func(t *testing.T) {
			t.Parallel()
			s := startServer(t, &Server{})
			cp, _, _ := play(t, s.URL(), tr)
			testutil.WaitFor(t, waitLong, "60 access units with a key frame and 60 AAC frames", func() bool {
				aus, audio, _, _ := cp.snapshot()
				return len(aus) >= 60 && countKeys(aus) > 0 && len(audio) >= 60
			})
			aus, audio, _, err := cp.snapshot()
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			checkVideo(t, CodecH264, aus, 640, 360)
			checkAudio(t, audio)
			// Paced, not sent as fast as possible: 60 frames span 2.36 s of
			// clip time, so they cannot arrive in much less wall time. The
			// bound is one-sided and loose, so a slow machine cannot fail it.
			wall := aus[len(aus)-1].at.Sub(aus[0].at)
			clip := time.Duration(aus[len(aus)-1].ts-aus[0].ts) * time.Second / 90000
			if wall < clip/2 {
				t.Errorf("got %d access units spanning %v of clip time in %v, want real-time pacing", len(aus), clip, wall)
			}
		})
	}
}

func TestServerH265(t *testing.T) {
	t.Parallel()
	s := startServer(t, &Server{Clip: loadTestClip(t, "testdata/h265.mp4")})
	cp, _, desc := play(t, s.URL(), gortsplib.TransportTCP)
	if got := len(desc.Medias); got != 1 {
		t.Errorf("got %d medias in the SDP, want 1 (no audio)", got)
	}
	testutil.WaitFor(t, waitLong, "30 H.265 access units with a key frame", func() bool {
		aus, _, _, _ := cp.snapshot()
		return len(aus) >= 30 && countKeys(aus) > 0
	})
	aus, _, _, err := cp.snapshot()
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	if cp.codec != CodecH265 {
		t.Fatalf("got codec %v, want H265", cp.codec)
	}
	checkVideo(t, CodecH265, aus, 640, 360)
	for _, au := range aus {
		if au.key && au.params != 3 {
			t.Errorf("got key access unit with %d parameter sets in band, want VPS, SPS and PPS", au.params)
		}
	}
}

func TestServerSetClip(t *testing.T) {
	t.Parallel()
	s := startServer(t, &Server{Clip: shortClip(Default(), 50)}) // 2 s loop
	cp, _, _ := play(t, s.URL(), gortsplib.TransportTCP)
	testutil.WaitFor(t, waitLong, "a 640x360 key frame", func() bool {
		aus, _, _, _ := cp.snapshot()
		return countKeys(aus) > 0
	})
	small := loadTestClip(t, "testdata/h264_720.mp4")
	s.SetClip(small)
	testutil.WaitFor(t, waitLong, "a 480x270 SPS after SetClip", func() bool {
		aus, _, _, _ := cp.snapshot()
		for _, au := range aus {
			if au.sps != nil {
				if w, _ := spsSize(t, CodecH264, au.sps); w == 480 {
					return true
				}
			}
		}
		return false
	})
	aus, audio, _, err := cp.snapshot()
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	// Timestamps run on across the switch, like one continuous camera.
	checkSteps(t, "video", tsOf(aus), frameTicks)
	checkAudio(t, audio)

	// A reader connecting now gets the new parameter sets in the SDP.
	_, _, desc := play(t, s.URL(), gortsplib.TransportTCP)
	var f *format.H264
	if desc.FindFormat(&f) == nil {
		t.Fatalf("got no H264 format in the SDP after SetClip")
	}
	if w, h := spsSize(t, CodecH264, f.SPS); w != 480 || h != 270 {
		t.Errorf("got SDP SPS %dx%d after SetClip, want 480x270", w, h)
	}
}

func TestServerSetClipNewCodec(t *testing.T) {
	t.Parallel()
	s := startServer(t, &Server{Clip: shortClip(Default(), 50)})
	cp, c, _ := play(t, s.URL(), gortsplib.TransportTCP)
	testutil.WaitFor(t, waitLong, "H.264 access units", func() bool {
		aus, _, _, _ := cp.snapshot()
		return len(aus) > 0
	})
	s.SetClip(loadTestClip(t, "testdata/h265.mp4"))
	waitForClientEnd(t, c, "H.264 reader disconnected by the switch to H.265")

	cp2, _, _ := play(t, s.URL(), gortsplib.TransportTCP)
	if cp2.codec != CodecH265 {
		t.Fatalf("got codec %v after SetClip, want H265", cp2.codec)
	}
	testutil.WaitFor(t, waitLong, "an H.265 key frame", func() bool {
		aus, _, _, _ := cp2.snapshot()
		return countKeys(aus) > 0
	})
}

func TestServerRestart(t *testing.T) {
	t.Parallel()
	s := startServer(t, &Server{})
	url := s.URL()
	if strings.HasSuffix(s.Addr, ":0") {
		t.Errorf("got Addr %q after Start, want the bound port", s.Addr)
	}
	cp, c, _ := play(t, url, gortsplib.TransportTCP)
	testutil.WaitFor(t, waitLong, "access units before the restart", func() bool {
		aus, _, _, _ := cp.snapshot()
		return len(aus) > 0
	})
	s.Close()
	waitForClientEnd(t, c, "reader disconnected by Close")

	if err := s.Start(); err != nil {
		t.Fatalf("Start after Close: %v", err)
	}
	if got := s.URL(); got != url {
		t.Errorf("got URL %s after restart, want %s", got, url)
	}
	cp2, _, _ := play(t, url, gortsplib.TransportUDP)
	testutil.WaitFor(t, waitLong, "access units after the restart", func() bool {
		aus, _, _, _ := cp2.snapshot()
		return len(aus) >= 10
	})
}

func TestServerFilter(t *testing.T) {
	t.Parallel()
	s := startServer(t, &Server{Filter: func(pkt *rtp.Packet) bool {
		return pkt.PayloadType != audioPayloadType
	}})
	cp, _, _ := play(t, s.URL(), gortsplib.TransportTCP)
	testutil.WaitFor(t, waitLong, "30 access units", func() bool {
		aus, _, _, _ := cp.snapshot()
		return len(aus) >= 30
	})
	if _, audio, _, _ := cp.snapshot(); len(audio) != 0 {
		t.Errorf("got %d AAC frames through a filter that drops audio, want 0", len(audio))
	}
}

func TestServerSenderReports(t *testing.T) {
	t.Parallel()
	s := startServer(t, &Server{})
	cp, _, _ := play(t, s.URL(), gortsplib.TransportTCP)
	testutil.WaitFor(t, waitLong, "an RTCP sender report (sent every 10 s)", func() bool {
		_, _, srs, _ := cp.snapshot()
		return len(srs) > 0
	})
	aus, _, srs, _ := cp.snapshot()
	sr := srs[0]
	if sr.SSRC != cp.videoSSRC {
		t.Errorf("got sender report SSRC %#x, want the video SSRC %#x", sr.SSRC, cp.videoSSRC)
	}
	// The report maps RTP time to wall time on the stream's own timeline.
	// The bounds are loose because the sender extrapolates from its last
	// packet; they still reject any other (random 32-bit) timeline.
	last := aus[len(aus)-1].ts
	if d := int32(sr.RTPTime - last); d < -5*90000 || d > 5*90000 {
		t.Errorf("got sender report RTP time %d, want within 5 s of the last access unit %d", sr.RTPTime, last)
	}
	ntp := time.Unix(int64(sr.NTPTime>>32)-2208988800, 0)
	if d := time.Since(ntp); d < -5*time.Second || d > 5*time.Second {
		t.Errorf("got sender report NTP time %v, want within 5 s of now", ntp)
	}
}

func TestServerErrors(t *testing.T) {
	t.Parallel()
	s := startServer(t, &Server{})
	if err := s.Start(); err == nil {
		t.Errorf("got nil error from a second Start, want an error")
	}
	if err := (&Server{Addr: "no port"}).Start(); err == nil {
		t.Errorf("got nil error from Start with Addr %q, want an error", "no port")
	}

	u, err := base.ParseURL(strings.TrimSuffix(s.URL(), "/live") + "/other")
	if err != nil {
		t.Fatal(err)
	}
	c := &gortsplib.Client{Scheme: u.Scheme, Host: u.Host}
	if err := c.Start2(); err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, res, err := c.Describe(u); err == nil {
		t.Errorf("got DESCRIBE %s answered %v, want 404", u, res.StatusCode)
	}
}

// TestServerGoroutines is not parallel: it counts the process's goroutines.
func TestServerGoroutines(t *testing.T) {
	before := testutil.Goroutines()
	s := &Server{Addr: "127.0.0.1:0"}
	for i := range 2 {
		t.Run("cycle", func(t *testing.T) {
			startServer(t, s)
			tr := []gortsplib.Transport{gortsplib.TransportTCP, gortsplib.TransportUDP}[i]
			cp, _, _ := play(t, s.URL(), tr)
			testutil.WaitFor(t, waitLong, "access units", func() bool {
				aus, _, _, _ := cp.snapshot()
				return len(aus) >= 5
			})
		})
	}
	before.CheckEnded(t, 5*time.Second)
}

// waitForClientEnd waits until the server has closed the client's session.
func waitForClientEnd(t *testing.T, c *gortsplib.Client, what string) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		c.Wait() //nolint:errcheck // the error is the disconnection itself
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(waitLong):
		t.Fatalf("timed out after %v waiting for %s", waitLong, what)
	}
}

// shortClip returns the first n video samples of c as a clip of its own; the
// server leaves out the audio beyond them.
func shortClip(c *Clip, n int) *Clip {
	short := *c
	short.Video.Samples = c.Video.Samples[:n]
	return &short
}

func countKeys(aus []gotAU) int {
	n := 0
	for _, au := range aus {
		if au.key {
			n++
		}
	}
	return n
}

func tsOf(aus []gotAU) []uint32 {
	ts := make([]uint32, len(aus))
	for i, au := range aus {
		ts[i] = au.ts
	}
	return ts
}

// checkSteps asserts that timestamps increase in whole steps; more than one
// step is a lost packet, which UDP on loopback may rarely see.
func checkSteps(t *testing.T, what string, ts []uint32, step uint32) {
	t.Helper()
	for i := 1; i < len(ts); i++ {
		d := ts[i] - ts[i-1]
		if int32(d) <= 0 || d%step != 0 {
			t.Fatalf("%s %d: got timestamp step %d (%d -> %d), want a positive multiple of %d",
				what, i, int32(d), ts[i-1], ts[i], step)
		}
	}
}

// checkAudio asserts that AAC frames never overlap and follow each other
// without gaps, except at a loop boundary, where the clip's audio ends up to
// one frame before its video does.
func checkAudio(t *testing.T, ts []uint32) {
	t.Helper()
	for i := 1; i < len(ts); i++ {
		d := ts[i] - ts[i-1]
		if int32(d) < aacTicks || (d%aacTicks != 0 && d >= 2*aacTicks) {
			t.Fatalf("audio %d: got timestamp step %d (%d -> %d), want 1024 (or up to 2047 at a loop boundary)",
				i, int32(d), ts[i-1], ts[i])
		}
	}
}

// checkVideo asserts 25 fps timestamps, and key frames carrying an SPS of
// the given size in band.
func checkVideo(t *testing.T, codec Codec, aus []gotAU, width, height int) {
	t.Helper()
	checkSteps(t, "video", tsOf(aus), frameTicks)
	for i, au := range aus {
		if !au.key {
			continue
		}
		if au.sps == nil {
			t.Fatalf("access unit %d: got key frame without SPS in band, want SPS before each IDR", i)
		}
		if w, h := spsSize(t, codec, au.sps); w != width || h != height {
			t.Errorf("access unit %d: got SPS %dx%d, want %dx%d", i, w, h, width, height)
		}
	}
}
