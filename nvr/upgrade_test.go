package nvr_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/porchlight/porchlight/internal/formats"
	"github.com/porchlight/porchlight/internal/formats/formatstest"
	"github.com/porchlight/porchlight/nvr"
	"github.com/porchlight/porchlight/recorder/mediatest"
)

// What testdata/datadir-v1 holds (see its README.md).
const (
	v1AdminPassword = "BQ5NDFLRG7F22EAP2VUHROEH6U"
	v1Token         = "26a35e1eb0f4eb4524311978fbce5c5ee76c9d2f33b6c7f5946981e9872b7fe2" // "home-assistant"
	v1PeerID        = "12D3KooWH94aztzqmxqrGywsMscZzY6DxQ6pLXkDPFYFnyF9LZR5"
	v1Hood          = "8af4d6467318052a7436672d7b38c64f"
	v1Alert         = "66359c89e956e652757c9a0cfb77e08e"
	v1ClipAlert     = "58340a49727ffc645e7273450f64bfb6"
	v1SpanStart     = "2026-12-06T21:34:39.583375755Z"
	v1SpanEnd       = "2026-12-06T21:35:20.870144082Z"
	// What the first release answers for GET /api/v1/events over its data dir.
	v1Events = `[{"id":1,"camera":"front","kind":"motion","start":"2026-12-06T21:35:03.830086937Z","end":"2026-12-06T21:35:09.470098992Z","score":0.8115694361337705,"snapshot":"/api/v1/events/1/snapshot.jpg"}]`
)

// copyDataDir copies a captured node (config and data dir) from testdata into a temporary directory with
// the modes init gives them (git keeps none), and returns its config path.
func copyDataDir(t *testing.T, name string) string {
	t.Helper()
	src, dst := filepath.Join("testdata", name), t.TempDir()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o700)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o600)
	})
	if err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dst, nvr.ConfigFile)
	b, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	b = regexp.MustCompile(`listen: 127\.0\.0\.1:17491`).ReplaceAll(b, []byte("listen: 127.0.0.1:0"))
	if err := os.WriteFile(cfg, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return cfg
}

// bearerGet answers GET path with a bearer token: the status and body.
func bearerGet(t *testing.T, base, token, path string, out any) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequest("GET", base+path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	buf.ReadFrom(resp.Body)
	if out != nil && resp.StatusCode == http.StatusOK {
		if err := json.Unmarshal(buf.Bytes(), out); err != nil {
			t.Fatalf("GET %s: %v: %s", path, err, buf.Bytes())
		}
	}
	return resp.StatusCode, buf.Bytes()
}

// TestUpgradeFromDatadirV1: a node the first release wrote is served by this build and reads the same —
// the camera's recording, its event and a clip, the users and both tokens, the hood and its alerts (one
// with its clip), the same peer ID — and the databases it opened carry their format versions afterwards.
func TestUpgradeFromDatadirV1(t *testing.T) {
	cfgPath := copyDataDir(t, "datadir-v1")
	data := filepath.Join(filepath.Dir(cfgPath), "data")
	// As captured: federation.db and notify.db without a version, index.db without its segment layout.
	for _, f := range []string{"federation.db", "notify.db"} {
		if v := formatstest.Meta(t, filepath.Join(data, f), "version"); v != nil {
			t.Fatalf("testdata %s already has meta/version %x", f, v)
		}
	}
	if v := formatstest.Meta(t, filepath.Join(data, "index.db"), "segments"); v != nil {
		t.Fatalf("testdata index.db already has meta/segments %x", v)
	}

	cfg, err := nvr.Load(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	n, err := nvr.NewNode(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- n.Run(ctx) }()
	base := "http://" + n.HTTPAddr()
	apiToken, err := os.ReadFile(filepath.Join(data, "api.token"))
	if err != nil {
		t.Fatal(err)
	}
	cli := strings.TrimSpace(string(apiToken))

	var spans []struct{ Start, End string }
	if code, body := bearerGet(t, base, cli, "/api/v1/cameras/front/recordings?start=2026-12-06T21:00:00Z&end=2026-12-06T22:00:00Z", &spans); code != 200 ||
		len(spans) != 1 || spans[0].Start != v1SpanStart || spans[0].End != v1SpanEnd {
		t.Errorf("recordings: got %d %s, want the one span %s–%s", code, body, v1SpanStart, v1SpanEnd)
	}
	if code, body := bearerGet(t, base, cli, "/api/v1/events?camera=front&start=2026-12-06T21:00:00Z&end=2026-12-06T22:00:00Z", nil); code != 200 ||
		strings.TrimSpace(string(body)) != v1Events {
		t.Errorf("events: got %d %s, want %s", code, body, v1Events)
	}
	if code, body := bearerGet(t, base, cli, "/api/v1/events/1/snapshot.jpg", nil); code != 200 || !bytes.HasPrefix(body, []byte{0xff, 0xd8}) {
		t.Errorf("event snapshot: got %d and %d bytes, want 200 and a JPEG", code, len(body))
	}
	code, clip := bearerGet(t, base, cli, "/api/v1/cameras/front/export.mp4?start=2026-12-06T21:34:45Z&end=2026-12-06T21:34:55Z", nil)
	if code != 200 {
		t.Fatalf("export: got %d %s, want 200", code, clip)
	}
	checkMP4(t, clip)
	if code, body := bearerGet(t, base, v1Token, "/api/v1/session", nil); code != 200 {
		t.Errorf("the token issued before the upgrade: got %d %s, want 200", code, body)
	}
	apiLogin(t, base, "admin", v1AdminPassword)
	apiLogin(t, base, "nan", "viewer-password-1")

	var p2p struct{ ID string }
	if code, body := bearerGet(t, base, cli, "/api/v1/p2p", &p2p); code != 200 || p2p.ID != v1PeerID {
		t.Errorf("p2p: got %d %s, want peer ID %s", code, body, v1PeerID)
	}
	var hoods []struct{ ID, Name, Self string }
	if code, body := bearerGet(t, base, cli, "/api/v1/hoods", &hoods); code != 200 || len(hoods) != 1 ||
		hoods[0].ID != v1Hood || hoods[0].Name != "Elm Street" || hoods[0].Self != v1PeerID {
		t.Errorf("hoods: got %d %s, want Elm Street %s with us as %s", code, body, v1Hood, v1PeerID)
	}
	var alerts []struct{ ID, Text string }
	bearerGet(t, base, cli, "/api/v1/alerts", &alerts)
	var ids []string
	for _, a := range alerts {
		ids = append(ids, a.ID)
	}
	slices.Sort(ids)
	if want := []string{v1ClipAlert, v1Alert}; !slices.Equal(ids, want) {
		t.Errorf("alerts: got %v, want %v", ids, want)
	}
	code, alertClip := bearerGet(t, base, cli, "/api/v1/alerts/"+v1ClipAlert+"/clip.mp4", nil)
	if code != 200 {
		t.Fatalf("alert clip: got %d %s, want 200", code, alertClip)
	}
	checkMP4(t, alertClip)

	cancel()
	if err := <-done; err != nil {
		t.Fatalf("run: %v", err)
	}
	for _, f := range []string{"index.db", "federation.db", "notify.db"} {
		if v := formatstest.Meta(t, filepath.Join(data, f), "version"); !bytes.Equal(v, []byte{1}) {
			t.Errorf("%s: meta/version = %x after the upgrade, want 01", f, v)
		}
	}
	if v := formatstest.Meta(t, filepath.Join(data, "index.db"), "segments"); !bytes.Equal(v, []byte{1}) {
		t.Errorf("index.db: meta/segments = %x after the upgrade, want 01", v)
	}
}

// checkMP4 checks that b is an MP4 that ffprobe reads with a video stream and ffmpeg decodes cleanly.
func checkMP4(t *testing.T, b []byte) {
	t.Helper()
	mediatest.Require(t, "ffprobe", "ffmpeg")
	path := filepath.Join(t.TempDir(), "clip.mp4")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, ok := mediatest.ProbeFile(t, path).Stream("video"); !ok {
		t.Errorf("clip of %d bytes has no video stream", len(b))
	}
	mediatest.DecodeClean(t, path)
}

// TestNewerFormatStopsTheNode: a node whose config or database was written by a newer porchlight does not
// start; the error names the file, its format and the newest this build knows.
func TestNewerFormatStopsTheNode(t *testing.T) {
	for _, tc := range []struct{ file, key string }{
		{"index.db", "version"}, {"index.db", "segments"}, {"federation.db", "version"}, {"notify.db", "version"},
	} {
		t.Run(tc.file+"/"+tc.key, func(t *testing.T) {
			cfgPath := copyDataDir(t, "datadir-v1")
			path := filepath.Join(filepath.Dir(cfgPath), "data", tc.file)
			formatstest.SetMeta(t, path, tc.key, []byte{9})
			cfg, err := nvr.Load(cfgPath)
			if err != nil {
				t.Fatal(err)
			}
			n, err := nvr.NewNode(cfg, nil)
			if err == nil {
				ctx, cancel := context.WithCancel(context.Background())
				cancel()
				n.Run(ctx) // releases what NewNode opened
				t.Fatal("NewNode succeeded, want an error")
			}
			want := path + " has format 9; this porchlight knows up to 1: upgrade porchlight"
			if tc.key == "segments" {
				want = path + " (segment layout) has format 9; this porchlight knows up to 1: upgrade porchlight"
			}
			t.Logf("refused: %v", err)
			if !errors.Is(err, formats.ErrTooNew) || !strings.HasSuffix(err.Error(), want) || strings.Contains(err.Error(), "\n") {
				t.Errorf("err = %q, want one line ending %q", err, want)
			}
		})
	}
}
