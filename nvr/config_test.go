package nvr

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/porchlight/porchlight/configs"
	"github.com/porchlight/porchlight/recorder"
)

func TestParseShippedConfigEqualsDefault(t *testing.T) {
	got, err := Parse(configs.PorchlightYML)
	if err != nil {
		t.Fatalf("Parse(configs/porchlight.yml): %v", err)
	}
	if want := Default(); !reflect.DeepEqual(got, want) {
		t.Errorf("configs/porchlight.yml differs from Default():\ngot  %+v\nwant %+v", got, want)
	}
}

func TestParseAgencyExample(t *testing.T) {
	got, err := Parse(configs.AgencyYML)
	if err != nil {
		t.Fatalf("Parse(configs/agency.yml): %v", err)
	}
	if got.Role != RoleAgency {
		t.Errorf("got role %q, want %q", got.Role, RoleAgency)
	}
	if got.Retention.MaxAge.Std() != 365*24*time.Hour {
		t.Errorf("got retention.max_age %v, want 8760h", got.Retention.MaxAge)
	}
}

func TestParseValues(t *testing.T) {
	withCamera := func(c CameraConfig) *Config {
		d := Default()
		d.Cameras = []CameraConfig{c}
		return d
	}
	tests := []struct {
		name string
		yaml string
		want *Config
	}{
		{"only version", "version: 1\n", Default()},
		{"null values keep defaults", "version: 1\nname:\nstorage:\nretention: {max_age: ~}\n", Default()},
		{"null cameras", "version: 1\ncameras:\n", Default()},
		{
			"camera defaults",
			"version: 1\ncameras:\n  - name: front\n    url: rtsp://192.168.1.20/s\n",
			withCamera(CameraConfig{Name: "front", URL: "rtsp://192.168.1.20/s", Transport: TransportTCP, Enabled: true}),
		},
		{
			"camera with every key",
			`version: 1
cameras:
  - name: back_yard-2
    url: rtsps://user:pass@cam.local:322/main
    transport: udp
    sub_url: rtsp://user:pass@cam.local/sub
    enabled: false
    location: {lat: 40.71280, lon: -74.00600}
    retention: {max_age: 7d, max_bytes: 50GB}
`,
			withCamera(CameraConfig{
				Name: "back_yard-2", URL: "rtsps://user:pass@cam.local:322/main", Transport: TransportUDP,
				SubURL: "rtsp://user:pass@cam.local/sub", Enabled: false, Location: &Location{Lat: 40.7128, Lon: -74.006},
				Retention: CameraRetention{MaxAge: Duration(168 * time.Hour), MaxBytes: 50e9},
			}),
		},
		{
			"events_max_age beside max_age",
			"version: 1\nretention: {max_age: 30d, events_max_age: 90d}\n",
			func() *Config {
				d := Default()
				d.Retention.MaxAge, d.Retention.EventsMaxAge = Duration(720*time.Hour), Duration(2160*time.Hour)
				return d
			}(),
		},
		{
			"camera motion, partly given, starts from the defaults",
			"version: 1\ncameras:\n  - name: front\n    url: rtsp://h/s\n    snapshot_url: http://u:p@h/snap.jpg\n" +
				"    motion: {sensitivity: 0.8, zones: [[[0.1,0.5],[0.9,0.5],[0.9,1.0],[0.1,1.0]]]}\n" +
				"retention: {events_max_age: 2160h}\n",
			func() *Config {
				m := DefaultMotion()
				m.Sensitivity = 0.8
				m.Zones = []Polygon{{{0.1, 0.5}, {0.9, 0.5}, {0.9, 1.0}, {0.1, 1.0}}}
				d := withCamera(CameraConfig{Name: "front", URL: "rtsp://h/s", Transport: TransportTCP, Enabled: true,
					SnapshotURL: "http://u:p@h/snap.jpg", Motion: &m})
				d.Retention.EventsMaxAge = Duration(2160 * time.Hour)
				return d
			}(),
		},
		{
			"camera motion decoding every keyframe",
			"version: 1\ncameras:\n  - name: front\n    url: rtsp://h/s\n    motion: {decode_keyframes: true}\n",
			func() *Config {
				m := DefaultMotion()
				m.DecodeKeyframes = true
				return withCamera(CameraConfig{Name: "front", URL: "rtsp://h/s", Transport: TransportTCP, Enabled: true, Motion: &m})
			}(),
		},
		{
			"anchors and aliases",
			"version: 1\nstorage: {queue: &q 10s, segment_duration: *q}\n",
			func() *Config {
				d := Default()
				d.Storage.Queue, d.Storage.SegmentDuration = Duration(10*time.Second), Duration(10*time.Second)
				return d
			}(),
		},
		{
			"scalars of other types",
			"version: 1\nname: 12\nhttp: {listen: ':0'}\np2p: {listen: []}\nretention: {max_bytes: 0, max_age: 0, min_free: 1048576}\n",
			func() *Config {
				d := Default()
				d.Name, d.HTTP.Listen, d.P2P.Listen = "12", ":0", []string{}
				d.Retention = RetentionConfig{MinFree: 1 << 20}
				return d
			}(),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse([]byte(tt.yaml))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestParseRoundTrip(t *testing.T) {
	c := Default()
	c.Cameras = []CameraConfig{{
		Name: "front", URL: "rtsp://h/s", Transport: TransportUDP, Enabled: true, Location: &Location{Lat: 1.5, Lon: -2},
		Retention: CameraRetention{MaxAge: Duration(36 * time.Hour), MaxBytes: 3 << 30},
	}}
	b, err := yaml.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Parse(b)
	if err != nil {
		t.Fatalf("Parse(Marshal(c)): %v\n%s", err, b)
	}
	if !reflect.DeepEqual(got, c) {
		t.Errorf("got %+v\nwant %+v\nfrom\n%s", got, c, b)
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "porchlight.yml")
	if err := os.WriteFile(path, []byte("version: 1\ndata_dir: rec\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load(path)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if got, want := c.DataDir(), filepath.Join(dir, "rec"); got != want {
		t.Errorf("got DataDir %q, want %q", got, want)
	}
	if c.Path != path {
		t.Errorf("got Path %q, want %q", c.Path, path)
	}

	bad := filepath.Join(dir, "bad.yml")
	if err := os.WriteFile(bad, []byte("version: 1\nnmae: x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(bad); err == nil || err.Error() != bad+": nmae: unknown key" {
		t.Errorf("got error %v, want %q", err, bad+": nmae: unknown key")
	}
	if _, err := Load(filepath.Join(dir, "missing.yml")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("got error %v, want one wrapping fs.ErrNotExist", err)
	}
}

func TestDataDir(t *testing.T) {
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, dataPath, path, want string
	}{
		{"absolute", "/var/lib/porchlight", "/etc/porchlight/porchlight.yml", "/var/lib/porchlight"},
		{"relative to the file", "data", "/etc/porchlight/porchlight.yml", "/etc/porchlight/data"},
		{"parent of the file", "../rec/./x", "/etc/porchlight/porchlight.yml", "/etc/rec/x"},
		{"no file: working directory", "data", "", filepath.Join(wd, "data")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Default()
			c.DataPath, c.Path = tt.dataPath, tt.path
			if got := c.DataDir(); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestValidateProgrammaticConfig(t *testing.T) {
	tests := []struct {
		name   string
		modify func(*Config)
		want   string
	}{
		{"default is valid", func(*Config) {}, ""},
		{"zero version", func(c *Config) { c.Version = 0 }, "version: required"},
		{"zero role", func(c *Config) { c.Role = "" }, `role: invalid role "" (want household or agency)`},
		{"zero log level", func(c *Config) { c.LogLevel = "" }, `log_level: invalid log level "" (want debug, info, warn or error)`},
		{"negative size", func(c *Config) { c.Retention.MinFree = -1 }, "retention.min_free: must not be negative"},
		{"negative age", func(c *Config) { c.Retention.MaxAge = -1 }, "retention.max_age: must not be negative"},
		{"zero camera", func(c *Config) { c.Cameras = []CameraConfig{{}} }, "cameras[0].name: required"},
		{"camera without transport", func(c *Config) { c.Cameras = []CameraConfig{{Name: "a", URL: "rtsp://h"}} },
			`cameras[0].transport: invalid transport "" (want tcp or udp)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Default()
			tt.modify(c)
			err := c.Validate()
			if got := errString(err); got != tt.want {
				t.Errorf("got error %q, want %q", got, tt.want)
			}
		})
	}
}

func TestMigrate(t *testing.T) {
	renameTitle := func(root *yaml.Node) error {
		for i := 0; i < len(root.Content); i += 2 {
			if root.Content[i].Value == "title" {
				root.Content[i].Value = "name"
			}
		}
		return nil
	}
	failing := func(*yaml.Node) error { return errors.New("broken step") }
	tests := []struct {
		name     string
		yaml     string
		table    map[int]migration
		wantName string
		wantErr  string
	}{
		{"current version needs no step", "version: 1\nname: a\n", nil, "a", ""},
		{"older than supported", "version: 0\nname: a\n", nil, "", "version: unsupported version 0 (oldest supported is 1)"},
		{"negative", "version: -3\n", map[int]migration{0: renameTitle}, "", "version: unsupported version -3 (oldest supported is 0)"},
		{"step applied", "version: 0\ntitle: old\n", map[int]migration{0: renameTitle}, "old", ""},
		{"step fails", "version: 0\n", map[int]migration{0: failing}, "", "version: migrate from 0 to 1: broken step"},
		{"newer than this build", "version: 2\n", map[int]migration{0: renameTitle}, "", "version: format 2; this porchlight knows up to 1: upgrade porchlight"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root, err := parseYAML([]byte(tt.yaml))
			if err != nil {
				t.Fatal(err)
			}
			err = migrate(root, tt.table)
			if got := errString(err); got != tt.wantErr {
				t.Fatalf("got error %q, want %q", got, tt.wantErr)
			}
			if err != nil {
				return
			}
			c := Default()
			if err := decodeNode(root, "", c); err != nil {
				t.Fatalf("decode migrated document: %v", err)
			}
			if c.Version != CurrentVersion || c.Name != tt.wantName {
				t.Errorf("got version %d name %q, want %d %q", c.Version, c.Name, CurrentVersion, tt.wantName)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	f.Add(configs.PorchlightYML)
	f.Add(configs.AgencyYML)
	for _, tt := range parseErrorTests {
		f.Add([]byte(tt.yaml))
	}
	for _, tt := range notifyErrorTests {
		f.Add([]byte(tt.yaml))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := Parse(b)
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error spans lines: %q", err)
			}
			return
		}
		out, err := yaml.Marshal(c)
		if err != nil {
			t.Fatalf("Marshal of a parsed config: %v", err)
		}
		again, err := Parse(out)
		if err != nil {
			t.Fatalf("Parse(Marshal(Parse(b))): %v\n%s", err, out)
		}
		if !reflect.DeepEqual(again, c) {
			t.Errorf("round trip changed the config:\ngot  %+v\nwant %+v", again, c)
		}
	})
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// TestRecorderConfigRetention: the retention keys reach the recorder.
func TestRecorderConfigRetention(t *testing.T) {
	cfg, err := Parse([]byte("version: 1\nretention: {max_age: 30d, events_max_age: 90d, max_bytes: 1GB, min_free: 2GB}\n"))
	if err != nil {
		t.Fatal(err)
	}
	rc := recorderConfig(cfg, nil)
	want := recorder.Limits{MaxAge: 720 * time.Hour, EventsMaxAge: 2160 * time.Hour, MaxBytes: 1e9}
	if rc.Retention != want || rc.MinFree != 2e9 {
		t.Errorf("got retention %+v, min_free %d; want %+v, 2000000000", rc.Retention, rc.MinFree, want)
	}
}

// A config written for a newer porchlight is refused with one line naming the file and both versions.
func TestLoadNewerConfig(t *testing.T) {
	path := filepath.Join(t.TempDir(), "porchlight.yml")
	if err := os.WriteFile(path, []byte("version: 2\nname: a\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Load(path)
	if want := path + ": version: format 2; this porchlight knows up to 1: upgrade porchlight"; err == nil || err.Error() != want {
		t.Fatalf("err = %v, want %q", err, want)
	}
}
