package restream_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bluenviron/gortsplib/v4"
	"github.com/bluenviron/gortsplib/v4/pkg/base"
	"github.com/bluenviron/gortsplib/v4/pkg/description"
	"github.com/bluenviron/gortsplib/v4/pkg/format"
	"github.com/bluenviron/gortsplib/v4/pkg/liberrors"
	"github.com/pion/rtp"

	"github.com/porchlight/porchlight/internal/testutil"
	"github.com/porchlight/porchlight/recorder"
	"github.com/porchlight/porchlight/recorder/democam"
	"github.com/porchlight/porchlight/recorder/mediatest"
	"github.com/porchlight/porchlight/recorder/restream"
)

// testAuth stands in for the web user store: alice may watch every camera, bob only "back", carol
// is throttled, and dave may watch until revoked.
type testAuth struct{ revoked atomic.Bool }

func (a *testAuth) Authorize(_ context.Context, _ net.IP, user, password, camera string) error {
	switch {
	case user == "dave" && password == "dave-password" && !a.revoked.Load():
		return nil
	case user == "carol":
		return &restream.ThrottledError{Wait: 90 * time.Second}
	case user == "alice" && password == "alice:pass word":
		return nil
	case user == "bob" && password == "bob-password":
		if camera != "back" {
			return restream.ErrForbidden
		}
		return nil
	}
	return restream.ErrBadLogin
}

// startNode records a demo camera as "front" (H.264 + AAC; sub-stream too) and restreams it.
func startNode(t *testing.T) *restream.Server {
	srv, _ := startAuthNode(t)
	return srv
}

// startAuthNode is startNode returning the node's authenticator too.
func startAuthNode(t *testing.T) (*restream.Server, *testAuth) {
	t.Helper()
	cam := &democam.Server{Addr: "127.0.0.1:0"}
	if err := cam.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cam.Close)
	auth := &testAuth{}
	return startRestream(t, []recorder.CameraConfig{{Name: "front", URL: cam.URL(), SubURL: cam.URL()}}, auth), auth
}

func startRestream(t *testing.T, cams []recorder.CameraConfig, auth *testAuth) *restream.Server {
	t.Helper()
	var log *slog.Logger
	if testing.Verbose() {
		log = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	rec, err := recorder.New(recorder.Config{DataDir: t.TempDir(), Cameras: cams, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := restream.New(restream.Config{Listen: "127.0.0.1:0", Source: rec, Auth: auth, Logger: log,
		IdleTimeout: time.Second, RecheckInterval: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() {
		if err := rec.Run(ctx); err != nil {
			t.Errorf("recorder: %v", err)
		}
	})
	wg.Go(func() {
		if err := srv.Run(ctx); err != nil {
			t.Errorf("restream: %v", err)
		}
	})
	t.Cleanup(func() {
		cancel()
		wg.Wait()
		rec.Close()
	})
	return srv
}

func url(srv *restream.Server, creds, path string) string {
	if creds != "" {
		creds += "@"
	}
	return "rtsp://" + creds + srv.Addr() + path
}

// probe is what ffprobe reports of a restream.
type probe struct {
	Streams []struct {
		CodecName  string `json:"codec_name"`
		CodecType  string `json:"codec_type"`
		Width      int    `json:"width"`
		Frames     string `json:"nb_read_frames"`
		SampleRate string `json:"sample_rate"`
	} `json:"streams"`
}

// ffprobe reads seconds of a restream, counting the frames it decodes.
func ffprobe(t *testing.T, u string, seconds int) (probe, string, error) {
	t.Helper()
	mediatest.Require(t, "ffprobe")
	cmd := exec.Command("ffprobe", "-v", "error", "-rtsp_transport", "tcp", "-read_intervals", fmt.Sprintf("%%+%d", seconds),
		"-count_frames", "-show_entries", "stream=codec_name,codec_type,width,nb_read_frames,sample_rate", "-of", "json", u)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	var p probe
	if err == nil {
		err = json.Unmarshal(out, &p)
	}
	return p, stderr.String(), err
}

// TestFFprobeReadsRestream: ffprobe, a client nobody here wrote, reads a recorded camera's main and sub
// streams over the restream: H.264 and AAC as the camera sends them, frames decoding.
func TestFFprobeReadsRestream(t *testing.T) {
	srv := startNode(t)
	for _, path := range []string{"/front", "/front/sub"} {
		t.Run(path, func(t *testing.T) {
			var p probe
			mediatest.WaitFor(t, 30*time.Second, "ffprobe reading "+path, func() bool {
				var stderr string
				var err error
				p, stderr, err = ffprobe(t, url(srv, "alice:alice%3Apass%20word", path), 4)
				if err != nil {
					t.Logf("ffprobe: %v: %s", err, stderr)
				}
				return err == nil
			})
			got := map[string]string{}
			for _, s := range p.Streams {
				got[s.CodecType] = s.CodecName
				var frames int
				fmt.Sscan(s.Frames, &frames)
				switch s.CodecType {
				case "video":
					// 4 s at 25 fps, less what came before the first keyframe (a GOP is 2 s at most).
					if frames < 40 || s.Width == 0 {
						t.Errorf("video: %d frames decoded, width %d; want ≥40 frames with a size", frames, s.Width)
					}
				case "audio":
					if frames < 50 || s.SampleRate != "48000" {
						t.Errorf("audio: %d frames decoded at %s Hz, want ≥50 at 48000", frames, s.SampleRate)
					}
				}
			}
			if got["video"] != "h264" || got["audio"] != "aac" {
				t.Errorf("codecs: got %v, want video h264 and audio aac", got)
			}
		})
	}
}

// TestRefused: no credentials and a wrong password get 401 (from ffprobe too), a user who may not watch
// the camera 403, an unknown camera 404, and a throttled client 503.
func TestRefused(t *testing.T) {
	srv := startNode(t)
	for _, tc := range []struct {
		name, creds, path string
		want              base.StatusCode
	}{
		{"no credentials", "", "/front", base.StatusUnauthorized},
		{"wrong password", "alice:guess", "/front", base.StatusUnauthorized},
		{"unknown user", "mallory:alice%3Apass%20word", "/front", base.StatusUnauthorized},
		{"no access", "bob:bob-password", "/front", base.StatusForbidden},
		{"unknown camera", "alice:alice%3Apass%20word", "/nope", base.StatusNotFound},
		{"bad path", "alice:alice%3Apass%20word", "/front/third", base.StatusNotFound},
		{"throttled", "carol:x", "/front", base.StatusServiceUnavailable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := describeStatus(t, url(srv, tc.creds, tc.path)); got != tc.want {
				t.Errorf("DESCRIBE %s as %q: got status %d, want %d", tc.path, tc.creds, got, tc.want)
			}
		})
	}
	for _, creds := range []string{"", "alice:guess"} {
		if _, stderr, err := ffprobe(t, url(srv, creds, "/front"), 1); err == nil || !strings.Contains(stderr, "401 Unauthorized") {
			t.Errorf("ffprobe as %q: got err %v, stderr %q; want 401 Unauthorized", creds, err, stderr)
		}
	}
}

// describeStatus sends DESCRIBE with gortsplib's client (which answers a 401 with the URL's
// credentials) and returns the final status.
func describeStatus(t *testing.T, u string) base.StatusCode {
	t.Helper()
	c := &gortsplib.Client{ReadTimeout: 10 * time.Second}
	pu, err := base.ParseURL(u)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Start(pu.Scheme, pu.Host); err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_, res, err := c.Describe(pu)
	var bad liberrors.ErrClientBadStatusCode
	switch {
	case err == nil:
		return res.StatusCode
	case errors.As(err, &bad):
		return bad.Code
	}
	t.Fatalf("DESCRIBE %s: %v", u, err)
	return 0
}

// TestGStreamerPlaysRestream: GStreamer's rtspsrc, an RTSP client of its own (Debian's VLC is built
// without live555 and cannot play RTSP), logs in, depacketizes and decodes 75 frames (3 s) of H.264.
func TestGStreamerPlaysRestream(t *testing.T) {
	mediatest.Require(t, "gst-launch-1.0")
	srv := startNode(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "gst-launch-1.0", "-q", "rtspsrc", "location=rtsp://"+srv.Addr()+"/front",
		"protocols=tcp", "user-id=alice", "user-pw=alice:pass word", "!", "rtph264depay", "!", "h264parse", "!",
		"avdec_h264", "!", "fakesink", "num-buffers=75")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("gst-launch-1.0: %v\n%s", err, b)
	}
}

// TestIdleFeedEnds: once its last reader has left, a camera stream's feed ends after IdleTimeout, and
// with it every goroutine the restream started for the reader.
func TestIdleFeedEnds(t *testing.T) {
	srv := startNode(t)
	// A first reader starts the recorder's stream towards steady state; its feed ends like any other.
	mediatest.WaitFor(t, 30*time.Second, "a first read", func() bool {
		_, _, err := ffprobe(t, url(srv, "alice:alice%3Apass%20word", "/front"), 1)
		return err == nil
	})
	before := testutil.Goroutines()
	if _, stderr, err := ffprobe(t, url(srv, "alice:alice%3Apass%20word", "/front/sub"), 2); err != nil {
		t.Fatalf("ffprobe: %v: %s", err, stderr)
	}
	before.CheckEnded(t, 15*time.Second)
}

// TestRevokedReaderDisconnected: a reader whose credential stops passing (a removed user, a new
// password) is disconnected while it plays.
func TestRevokedReaderDisconnected(t *testing.T) {
	srv, auth := startAuthNode(t)
	u, err := base.ParseURL(url(srv, "dave:dave-password", "/front"))
	if err != nil {
		t.Fatal(err)
	}
	c := &gortsplib.Client{ReadTimeout: 10 * time.Second}
	if err := c.Start(u.Scheme, u.Host); err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	desc, _, err := c.Describe(u)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.SetupAll(desc.BaseURL, desc.Medias); err != nil {
		t.Fatal(err)
	}
	var packets atomic.Int64
	c.OnPacketRTPAny(func(*description.Media, format.Format, *rtp.Packet) { packets.Add(1) })
	if _, err := c.Play(nil); err != nil {
		t.Fatal(err)
	}
	mediatest.WaitFor(t, 20*time.Second, "packets", func() bool { return packets.Load() > 0 })
	ended := make(chan error, 1)
	go func() { ended <- c.Wait() }()
	select {
	case err := <-ended:
		t.Fatalf("the reader ended before its credential did: %v", err)
	case <-time.After(time.Second): // three rechecks that passed
	}
	auth.revoked.Store(true)
	select {
	case <-ended:
	case <-time.After(15 * time.Second):
		t.Fatal("the reader still plays 15 s after its credential ended")
	}
}
