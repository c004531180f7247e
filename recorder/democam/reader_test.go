package democam

import (
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/bluenviron/gortsplib/v4"
	"github.com/bluenviron/gortsplib/v4/pkg/base"
	"github.com/bluenviron/gortsplib/v4/pkg/description"
	"github.com/bluenviron/gortsplib/v4/pkg/format"
	"github.com/bluenviron/gortsplib/v4/pkg/format/rtph264"
	"github.com/bluenviron/gortsplib/v4/pkg/format/rtph265"
	"github.com/bluenviron/gortsplib/v4/pkg/format/rtpmpeg4audio"
	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h264"
	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h265"
	"github.com/pion/rtcp"
	"github.com/pion/rtp"
)

// capture records what a gortsplib client reads from the server.
type capture struct {
	mu        sync.Mutex
	codec     Codec
	aus       []gotAU
	audio     []uint32 // RTP timestamp of every AAC frame
	videoSSRC uint32
	srs       []*rtcp.SenderReport // of the video media
	err       error                // first unexpected decode error
}

// gotAU is one decoded video access unit.
type gotAU struct {
	ts     uint32
	at     time.Time
	key    bool
	params int    // VPS/SPS/PPS NALUs in band
	sps    []byte // in-band SPS, copied
}

// snapshot returns copies of what has been captured so far.
func (c *capture) snapshot() (aus []gotAU, audio []uint32, srs []*rtcp.SenderReport, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.aus), slices.Clone(c.audio), slices.Clone(c.srs), c.err
}

func (c *capture) fail(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err == nil {
		c.err = err
	}
}

func (c *capture) addVideo(pkt *rtp.Packet, au [][]byte, err error) {
	if err != nil {
		if !errors.Is(err, rtph264.ErrMorePacketsNeeded) && !errors.Is(err, rtph264.ErrNonStartingPacketAndNoPrevious) &&
			!errors.Is(err, rtph265.ErrMorePacketsNeeded) && !errors.Is(err, rtph265.ErrNonStartingPacketAndNoPrevious) {
			c.fail(err)
		}
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	g := gotAU{ts: pkt.Timestamp, at: time.Now()}
	c.videoSSRC = pkt.SSRC
	for _, n := range au {
		if c.codec == CodecH265 {
			switch h265.NALUType((n[0] >> 1) & 0x3f) {
			case h265.NALUType_SPS_NUT:
				g.sps = slices.Clone(n)
				g.params++
			case h265.NALUType_VPS_NUT, h265.NALUType_PPS_NUT:
				g.params++
			}
			continue
		}
		switch h264.NALUType(n[0] & 0x1f) {
		case h264.NALUTypeSPS:
			g.sps = slices.Clone(n)
			g.params++
		case h264.NALUTypePPS:
			g.params++
		}
	}
	if c.codec == CodecH265 {
		g.key = h265.IsRandomAccess(au)
	} else {
		g.key = h264.IsRandomAccess(au)
	}
	c.aus = append(c.aus, g)
}

// play connects a client with the given transport and records the stream
// until the test ends.
func play(t *testing.T, url string, transport gortsplib.Transport) (*capture, *gortsplib.Client, *description.Session) {
	t.Helper()
	u, err := base.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	c := &gortsplib.Client{Scheme: u.Scheme, Host: u.Host, Transport: &transport}
	if err := c.Start2(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	desc, _, err := c.Describe(u)
	if err != nil {
		t.Fatalf("describe %s: %v", url, err)
	}
	if err := c.SetupAll(desc.BaseURL, desc.Medias); err != nil {
		t.Fatalf("setup %s over %v: %v", url, transport, err)
	}
	cp := &capture{}
	var video *description.Media
	for _, m := range desc.Medias {
		switch f := m.Formats[0].(type) {
		case *format.H264:
			video, cp.codec = m, CodecH264
			dec, err := f.CreateDecoder()
			if err != nil {
				t.Fatal(err)
			}
			c.OnPacketRTP(m, f, func(pkt *rtp.Packet) {
				au, err := dec.Decode(pkt)
				cp.addVideo(pkt, au, err)
			})
		case *format.H265:
			video, cp.codec = m, CodecH265
			dec, err := f.CreateDecoder()
			if err != nil {
				t.Fatal(err)
			}
			c.OnPacketRTP(m, f, func(pkt *rtp.Packet) {
				au, err := dec.Decode(pkt)
				cp.addVideo(pkt, au, err)
			})
		case *format.MPEG4Audio:
			dec, err := f.CreateDecoder()
			if err != nil {
				t.Fatal(err)
			}
			c.OnPacketRTP(m, f, func(pkt *rtp.Packet) {
				aus, err := dec.Decode(pkt)
				if err != nil {
					if !errors.Is(err, rtpmpeg4audio.ErrMorePacketsNeeded) {
						cp.fail(err)
					}
					return
				}
				cp.mu.Lock()
				defer cp.mu.Unlock()
				for i := range aus {
					cp.audio = append(cp.audio, pkt.Timestamp+uint32(i*1024))
				}
			})
		default:
			t.Fatalf("got unexpected format %T", f)
		}
	}
	c.OnPacketRTCPAny(func(m *description.Media, pkt rtcp.Packet) {
		if sr, ok := pkt.(*rtcp.SenderReport); ok && m == video {
			cp.mu.Lock()
			defer cp.mu.Unlock()
			cp.srs = append(cp.srs, sr)
		}
	})
	if _, err := c.Play(nil); err != nil {
		t.Fatalf("play %s: %v", url, err)
	}
	return cp, c, desc
}

// startServer starts s and closes it when the test ends.
func startServer(t *testing.T, s *Server) *Server {
	t.Helper()
	if s.Addr == "" {
		s.Addr = "127.0.0.1:0"
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}
