package recorder

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"sync/atomic"
	"time"

	"github.com/bluenviron/gortsplib/v4"
	"github.com/bluenviron/gortsplib/v4/pkg/base"
	"github.com/bluenviron/gortsplib/v4/pkg/description"
	"github.com/pion/rtcp"
	"github.com/pion/rtp"

	"github.com/porchlight/porchlight/recorder/index"
)

// rtspConn is an RTSP client connected to a camera that has answered DESCRIBE.
type rtspConn struct {
	c         *gortsplib.Client
	desc      *description.Session
	transport gortsplib.Transport
	stopAfter func() bool
	conn      atomic.Pointer[batchConn] // the RTSP connection, once dialled
}

// dialDescribe parses a camera URL (credentials in it), connects over TCP or UDP transport and DESCRIBEs
// the stream. Until close, ctx ending closes the client, which ends any request in progress: shutdown
// must not wait for a camera that does not answer. st, when not nil, counts RTP packets lost (by the
// camera, or a server that drops for a slow reader) and packets that do not decode; nil discards them.
// A plain RTSP connection over TCP is read through a frame filter, ready for the fast path.
func dialDescribe(ctx context.Context, rawURL, transport string, readTimeout time.Duration, st *streamStats) (*rtspConn, error) {
	u, err := base.ParseURL(rawURL)
	if err != nil {
		return nil, fmt.Errorf("camera url: %w", err)
	}
	if u.Scheme != "rtsp" && u.Scheme != "rtsps" {
		return nil, fmt.Errorf("camera url: scheme %q is not rtsp or rtsps", u.Scheme)
	}
	tr := gortsplib.TransportTCP
	if transport == "udp" {
		tr = gortsplib.TransportUDP
	}
	rc := &rtspConn{transport: tr}
	// gortsplib's defaults log every loss and decode error with the standard logger.
	onLost, onInvalid := func(uint64) {}, func(error) {}
	if st != nil {
		onLost, onInvalid = st.lost, func(error) { st.invalid() }
	}
	filter := u.Scheme == "rtsp" && tr == gortsplib.TransportTCP
	c := &gortsplib.Client{
		Scheme:      u.Scheme,
		Host:        u.Host,
		Transport:   &tr,
		ReadTimeout: readTimeout,
		// Cameras serve RTSPS with self-signed certificates; the stream is on the owner's LAN.
		TLSConfig:     &tls.Config{InsecureSkipVerify: true}, //nolint:gosec
		OnPacketsLost: onLost,
		OnDecodeError: onInvalid,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			nc, err := (&net.Dialer{}).DialContext(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			bc := newBatchConn(nc)
			if filter {
				bc.filter = &frameFilter{}
			}
			rc.conn.Store(bc)
			return bc, nil
		},
	}
	if err := c.Start2(); err != nil {
		return nil, fmt.Errorf("connect: %w", err)
	}
	rc.c, rc.stopAfter = c, context.AfterFunc(ctx, c.Close)
	rc.desc, _, err = c.Describe(u)
	if err != nil {
		rc.close()
		return nil, fmt.Errorf("describe: %w", err)
	}
	return rc, nil
}

// close closes the client; it may be called more than once.
func (rc *rtspConn) close() {
	rc.stopAfter()
	rc.c.Close()
}

// runSession connects to the stream's camera and records until the connection fails or ctx is done.
func (s *stream) runSession(ctx context.Context) error {
	rc, err := dialDescribe(ctx, s.url, s.transport, s.readTimeout, s.stats)
	if err != nil {
		return err
	}
	defer rc.close()
	c, desc, transport := rc.c, rc.desc, rc.transport
	tracks, err := pickTracks(desc)
	if err != nil {
		return err
	}
	codecs := make([]string, 0, len(tracks))
	channels := make([]int, 0, len(tracks)) // each track's interleaved RTP channel; -1 if not plain TCP
	for _, t := range tracks {
		codecs = append(codecs, t.codec)
		res, err := c.Setup(desc.BaseURL, t.media, 0, 0)
		if err != nil {
			return fmt.Errorf("setup: %w", err)
		}
		ch := -1
		if v, ok := rtpChannel(res); ok {
			ch = int(v)
		}
		channels = append(channels, ch)
	}
	mux := newMuxer(s.key, tracks, s.cfg, s.ids, s.queue, s.hub, s.stats, s.cuts)
	defer mux.close()
	mux.detect = s.det
	fast := make([]fastPathTrack, 0, len(tracks))
	for i, t := range tracks {
		ts := mux.tracks[i]
		onRTP := s.packetHandler(t, ts, mux)
		c.OnPacketRTP(t.media, t.format, onRTP)
		c.OnPacketRTCP(t.media, func(pkt rtcp.Packet) {
			if sr, ok := pkt.(*rtcp.SenderReport); ok {
				mux.senderReport(ts, sr.RTPTime, ntpTime(sr.NTPTime))
			}
		})
		if channels[i] >= 0 {
			fast = append(fast, fastPathTrack{ch: byte(channels[i]), pt: t.format.PayloadType(),
				others: otherPayloadTypes(t), onRTP: onRTP, codec: t.codec})
		}
	}
	// The fast path takes the media from the next read on: no media flows before PLAY.
	if bc := rc.conn.Load(); bc != nil && bc.filter != nil && len(fast) == len(tracks) {
		if fp, err := newFastPath(fast, s.stats); err == nil {
			bc.setFastPath(fp)
		}
	}
	if _, err := c.Play(nil); err != nil {
		return fmt.Errorf("play: %w", err)
	}
	if bc := rc.conn.Load(); bc != nil {
		bc.enable() // from here the connection carries media: read it in batches
	}
	s.stats.setState(StateConnecting, nil, codecs)
	s.log.Info("camera connected", "codecs", codecs, "transport", transport.String())
	errc := make(chan error, 1)
	go func() { errc <- c.Wait() }()
	select {
	case <-ctx.Done():
		c.Close()
		<-errc
		return ctx.Err()
	case err := <-errc:
		return fmt.Errorf("stream: %w", err)
	}
}

// packetHandler returns the handler of a track's RTP packets, on gortsplib's read path and on the fast
// path alike: it counts the packet and hands the frames it completes to the muxer.
func (s *stream) packetHandler(t *trackSpec, ts *trackState, mux *muxer) func(*rtp.Packet) {
	return func(pkt *rtp.Packet) {
		arrival := s.now()
		s.stats.packet(len(pkt.Payload))
		aus, err := t.decode(pkt)
		if err != nil {
			return // a lost or malformed packet; the decoder resynchronises by itself
		}
		for _, au := range aus {
			if t.kind == index.Video {
				mux.writeVideo(au, arrival)
			} else {
				mux.writeAudio(ts, au, arrival)
			}
		}
	}
}

// otherPayloadTypes returns the payload types of the formats of a track's media other than the recorded one.
func otherPayloadTypes(t *trackSpec) []uint8 {
	var pts []uint8
	for _, f := range t.media.Formats {
		if f != t.format {
			pts = append(pts, f.PayloadType())
		}
	}
	return pts
}

// ntpTime converts a 64-bit NTP timestamp to time.Time.
func ntpTime(v uint64) time.Time {
	const ntpEpochOffset = 2208988800
	secs := int64(v>>32) - ntpEpochOffset
	frac := int64(v & 0xffffffff)
	return time.Unix(secs, frac*1e9>>32).UTC()
}
