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
// must not wait for a camera that does not answer. onLost, when not nil, counts RTP packets lost (by the
// camera, or a server that drops for a slow reader); nil discards the count.
func dialDescribe(ctx context.Context, rawURL, transport string, readTimeout time.Duration, onLost func(uint64)) (*rtspConn, error) {
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
	if onLost == nil {
		onLost = func(uint64) {} // gortsplib's default logs every loss with the standard logger
	}
	c := &gortsplib.Client{
		Scheme:      u.Scheme,
		Host:        u.Host,
		Transport:   &tr,
		ReadTimeout: readTimeout,
		// Cameras serve RTSPS with self-signed certificates; the stream is on the owner's LAN.
		TLSConfig:     &tls.Config{InsecureSkipVerify: true}, //nolint:gosec
		OnPacketsLost: onLost,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			nc, err := (&net.Dialer{}).DialContext(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			bc := newBatchConn(nc)
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
	rc, err := dialDescribe(ctx, s.url, s.transport, s.readTimeout, s.stats.lost)
	if err != nil {
		return err
	}
	defer rc.close()
	c, desc, transport := rc.c, rc.desc, rc.transport
	tracks, err := pickTracks(desc)
	if err != nil {
		return err
	}
	var medias []*description.Media
	codecs := make([]string, 0, len(tracks))
	for _, t := range tracks {
		medias = append(medias, t.media)
		codecs = append(codecs, t.codec)
	}
	if err := c.SetupAll(desc.BaseURL, medias); err != nil {
		return fmt.Errorf("setup: %w", err)
	}
	mux := newMuxer(s.key, tracks, s.cfg, s.ids, s.queue, s.hub, s.stats, s.cuts)
	defer mux.close()
	mux.detect = s.det
	for i, t := range tracks {
		ts := mux.tracks[i]
		c.OnPacketRTP(t.media, t.format, func(pkt *rtp.Packet) {
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
		})
		c.OnPacketRTCP(t.media, func(pkt rtcp.Packet) {
			if sr, ok := pkt.(*rtcp.SenderReport); ok {
				mux.senderReport(ts, sr.RTPTime, ntpTime(sr.NTPTime))
			}
		})
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

// ntpTime converts a 64-bit NTP timestamp to time.Time.
func ntpTime(v uint64) time.Time {
	const ntpEpochOffset = 2208988800
	secs := int64(v>>32) - ntpEpochOffset
	frac := int64(v & 0xffffffff)
	return time.Unix(secs, frac*1e9>>32).UTC()
}
