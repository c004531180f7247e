package nvr

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

const camHead = `# Porchlight at Elm Street 12.
# Hand-edited; keep these notes.
version: 1
name: Elm Street 12          # shown to neighbors
data_dir: data
`

const camTail = `
retention:
  max_age: 720h              # a month
  max_bytes: 200GB
# the end
`

const camList = `cameras:
  # the door camera
  - name: front              # over the door
    url: rtsp://u:p@192.168.1.20/stream1
    location: {lat: 40.7128, lon: -74.006}
  - name: yard
    url: rtsp://192.168.1.21/live
    transport: udp

`

func cam(name, url string, edit func(*CameraConfig)) CameraConfig {
	c := DefaultCamera()
	c.Name, c.URL = name, url
	if edit != nil {
		edit(&c)
	}
	return c
}

func TestUpdateCameras(t *testing.T) {
	shipped, err := os.ReadFile("../configs/porchlight.yml")
	if err != nil {
		t.Fatal(err)
	}
	shippedHead, shippedTail, ok := strings.Cut(string(shipped), "cameras: []\n")
	if !ok {
		t.Fatal("configs/porchlight.yml has no `cameras: []` line")
	}
	side := cam("side", "rtsps://192.168.1.30/main", func(c *CameraConfig) {
		c.SubURL, c.Transport = "rtsps://192.168.1.30/sub", TransportUDP
		c.Retention = CameraRetention{MaxAge: Duration(168 * time.Hour), MaxBytes: 50e9}
	})
	front := cam("front", "rtsp://u:p@192.168.1.20/stream2", func(c *CameraConfig) { c.Location = &Location{Lat: 40.7128, Lon: -74.006} })
	tests := []struct {
		name       string
		head, tail string // the file around the cameras list, which must come out byte for byte
		list       string
		cams       []CameraConfig
		wantIn     []string // further text the new list must contain (kept comments)
		wantNotIn  []string
	}{
		{name: "add to the shipped config", head: shippedHead, tail: shippedTail, list: "cameras: []\n",
			cams: []CameraConfig{side}},
		{name: "edit one, drop one, add one", head: camHead, tail: camTail, list: camList,
			cams:      []CameraConfig{side, front},
			wantIn:    []string{"# the door camera", "# over the door", "stream2", "{lat: 40.7128, lon: -74.006}"},
			wantNotIn: []string{"yard", "stream1"}},
		{name: "remove all", head: camHead, tail: camTail, list: camList, cams: nil,
			wantIn: []string{"cameras: []"}, wantNotIn: []string{"front", "yard"}},
		{name: "no cameras key", head: camHead, tail: camTail, list: "", cams: []CameraConfig{front}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "porchlight.yml")
			if err := os.WriteFile(path, []byte(tt.head+tt.list+tt.tail), 0o640); err != nil {
				t.Fatal(err)
			}
			if err := UpdateCameras(path, tt.cams); err != nil {
				t.Fatalf("UpdateCameras: %v", err)
			}
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			got := string(b)
			if tt.list == "" { // appended after the rest
				if !strings.HasPrefix(got, tt.head+tt.tail) {
					t.Errorf("file: got\n%s\nwant it to start with the old file", got)
				}
			} else if !strings.HasPrefix(got, tt.head) || !strings.HasSuffix(got, tt.tail) {
				t.Errorf("file: got\n%s\nwant it to start with\n%s\nand end with\n%s", got, tt.head, tt.tail)
			}
			for _, s := range tt.wantIn {
				if !strings.Contains(got, s) {
					t.Errorf("file: got\n%s\nwant it to contain %q", got, s)
				}
			}
			for _, s := range tt.wantNotIn {
				if strings.Contains(got, s) {
					t.Errorf("file: got\n%s\nwant no %q", got, s)
				}
			}
			c, err := Load(path)
			if err != nil {
				t.Fatalf("Load of the written file: %v", err)
			}
			want := tt.cams
			if want == nil {
				want = []CameraConfig{}
			}
			if !reflect.DeepEqual(c.Cameras, want) {
				t.Errorf("cameras read back: got %+v, want %+v", c.Cameras, want)
			}
			if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o640 {
				t.Errorf("file mode: got %v, %v, want 0640", fi.Mode().Perm(), err)
			}
		})
	}
}

// TestUpdateCamerasRejects: an invalid camera is an error naming its key, and the file is left as it was.
func TestUpdateCamerasRejects(t *testing.T) {
	tests := []struct {
		name    string
		cams    []CameraConfig
		wantErr string
	}{
		{"bad scheme", []CameraConfig{cam("front", "rtsp://a/b", nil), cam("side", "http://a/b", nil)},
			"cameras[1].url: scheme must be rtsp or rtsps"},
		{"bad name", []CameraConfig{cam("Front Door", "rtsp://a/b", nil)}, "cameras[0].name: invalid name"},
		{"duplicate", []CameraConfig{cam("a", "rtsp://a/b", nil), cam("a", "rtsp://a/c", nil)},
			"cameras[1].name: duplicate name"},
		{"port out of range", []CameraConfig{cam("front", "rtsp://127.0.0.1:99999/x", nil)}, `cameras[0].url: invalid port "99999"`},
		{"no transport", []CameraConfig{{Name: "a", URL: "rtsp://a/b", Enabled: true}}, "cameras[0].transport: invalid transport"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "porchlight.yml")
			orig := camHead + camList + camTail
			if err := os.WriteFile(path, []byte(orig), 0o640); err != nil {
				t.Fatal(err)
			}
			err := UpdateCameras(path, tt.cams)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("UpdateCameras: got error %v, want one containing %q", err, tt.wantErr)
			}
			if b, _ := os.ReadFile(path); string(b) != orig {
				t.Errorf("file after a rejected update: got\n%s\nwant it unchanged", b)
			}
			if left, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".*tmp*")); len(left) != 0 {
				t.Errorf("temp files left: %v", left)
			}
		})
	}
}
