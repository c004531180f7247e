package nvr_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/porchlight/porchlight/nvr"
	"github.com/porchlight/porchlight/recorder/mediatest"
)

// TestRestreamAndProbes runs a node recording a gst-rtsp-server camera (H.264 + AAC main stream,
// H.265 sub-stream) with restream.listen set, and checks with ffprobe that both streams come back over
// the restream for the admin of the web UI, that a wrong password gets 401, and that /healthz and
// /readyz answer without a credential.
func TestRestreamAndProbes(t *testing.T) {
	gst := mediatest.StartGstCamera(t)
	res, err := nvr.Init(t.TempDir(), nvr.RoleHousehold, "Elm Street 12")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(res.ConfigPath)
	b = regexp.MustCompile(`(?m)^cameras: \[\]`).ReplaceAll(b, []byte(fmt.Sprintf(
		"cameras:\n  - name: front\n    url: %s/h264\n    sub_url: %s/h265\n", gst, gst)))
	b = regexp.MustCompile(`listen: 127\.0\.0\.1:7480`).ReplaceAll(b, []byte("listen: 127.0.0.1:0"))
	b = regexp.MustCompile(`(?m)^  listen: ""(.*)$`).ReplaceAll(b, []byte(`  listen: 127.0.0.1:0$1`))
	if err := os.WriteFile(res.ConfigPath, nvr.LocalP2P(b), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := nvr.Load(res.ConfigPath)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Restream.Listen != "127.0.0.1:0" {
		t.Fatalf("restream.listen: got %q, want the test's edit", cfg.Restream.Listen)
	}
	n, err := nvr.NewNode(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- n.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	base := "http://" + n.HTTPAddr()

	if code, body := plainGet(t, base+"/healthz"); code != http.StatusOK || body != "ok\n" {
		t.Errorf("/healthz: got %d %q, want 200 ok", code, body)
	}
	mediatest.WaitFor(t, 20*time.Second, "/readyz 200", func() bool {
		code, body := plainGet(t, base+"/readyz")
		return code == http.StatusOK && body == "ready\n"
	})

	rtsp := func(creds, path string) string { return "rtsp://" + creds + "@" + n.RestreamAddr() + path }
	admin := "admin:" + res.AdminPassword
	for _, tc := range []struct{ path, video, audio string }{
		{"/front", "h264", "aac"},
		{"/front/sub", "hevc", ""},
	} {
		var codecs map[string]string
		var frames int
		mediatest.WaitFor(t, 60*time.Second, "ffprobe reading "+tc.path, func() bool {
			codecs, frames, err = probeRTSP(rtsp(admin, tc.path))
			if err != nil {
				t.Logf("%s: %v", tc.path, err)
			}
			return err == nil && frames > 0
		})
		if codecs["video"] != tc.video || codecs["audio"] != tc.audio || frames < 20 {
			t.Errorf("%s: got codecs %v and %d video frames in 3 s, want video %q, audio %q, ≥20 frames",
				tc.path, codecs, frames, tc.video, tc.audio)
		}
	}
	if _, _, err := probeRTSP(rtsp("admin:wrong-password", "/front")); err == nil || !strings.Contains(err.Error(), "401 Unauthorized") {
		t.Errorf("wrong password: got %v, want 401 Unauthorized", err)
	}
}

func plainGet(t *testing.T, url string) (int, string) {
	t.Helper()
	r, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	b, _ := io.ReadAll(r.Body)
	return r.StatusCode, string(b)
}

// probeRTSP reads 3 s of an RTSP stream with ffprobe and returns its codecs by type and the video
// frames it decoded; the error carries ffprobe's messages.
func probeRTSP(u string) (map[string]string, int, error) {
	cmd := exec.Command("ffprobe", "-v", "error", "-rtsp_transport", "tcp", "-read_intervals", "%+3", "-count_frames",
		"-show_entries", "stream=codec_name,codec_type,nb_read_frames", "-of", "json", u)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, 0, fmt.Errorf("ffprobe: %v: %s", err, stderr.String())
	}
	var p struct {
		Streams []struct {
			CodecName string `json:"codec_name"`
			CodecType string `json:"codec_type"`
			Frames    string `json:"nb_read_frames"`
		} `json:"streams"`
	}
	if err := json.Unmarshal(out, &p); err != nil {
		return nil, 0, err
	}
	codecs, frames := map[string]string{}, 0
	for _, s := range p.Streams {
		codecs[s.CodecType] = s.CodecName
		if s.CodecType == "video" {
			fmt.Sscan(s.Frames, &frames)
		}
	}
	return codecs, frames, nil
}
