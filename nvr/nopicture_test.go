package nvr_test

import (
	"encoding/json"
	"fmt"
	"os/exec"
	"regexp"
	"testing"

	"github.com/porchlight/porchlight/nvr"
	"github.com/porchlight/porchlight/recorder/democam"
)

// TestCameraNoPicture checks what GET /api/v1/cameras says about event pictures: with ffmpeg hidden from
// PATH, a camera without snapshot_url names the reason its events have no picture, and one with a
// snapshot_url gives none; with ffmpeg on PATH no camera has a reason.
func TestCameraNoPicture(t *testing.T) {
	const reason = "ffmpeg not found on PATH and no snapshot_url"
	for _, tt := range []struct {
		name       string
		hideFFmpeg bool
		want       map[string]string
	}{
		{"ffmpeg hidden", true, map[string]string{"front": reason, "porch": ""}},
		{"ffmpeg on PATH", false, map[string]string{"front": "", "porch": ""}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if tt.hideFFmpeg {
				t.Setenv("PATH", t.TempDir())
			} else if _, err := exec.LookPath("ffmpeg"); err != nil {
				t.Skip("ffmpeg not installed")
			}
			cam := &democam.Server{Addr: "127.0.0.1:0"}
			if err := cam.Start(); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(cam.Close)
			res, err := nvr.Init(t.TempDir(), nvr.RoleHousehold, "Elm Street 12")
			if err != nil {
				t.Fatal(err)
			}
			base, password := runInitNode(t, res, func(b []byte) []byte {
				return regexp.MustCompile(`(?m)^cameras: \[\]`).ReplaceAll(b, []byte(fmt.Sprintf("cameras:\n"+
					"  - name: front\n    url: %s\n"+
					"  - name: porch\n    url: %s\n    snapshot_url: http://127.0.0.1:9/snap.jpg\n", cam.URL(), cam.URL())))
			})
			code, body, _ := apiLogin(t, base, "admin", password).do("GET", "/api/v1/cameras", nil)
			var cams []struct {
				Name, Stream string
				NoPicture    *string `json:"no_picture"`
			}
			if err := json.Unmarshal(body, &cams); code != 200 || err != nil {
				t.Fatalf("cameras: %d %s (%v)", code, body, err)
			}
			got := map[string]string{}
			for _, c := range cams {
				if c.Stream != "main" {
					continue
				}
				if c.NoPicture != nil && *c.NoPicture == "" {
					t.Errorf("%s: no_picture is an empty string; want it absent", c.Name)
				}
				if c.NoPicture != nil {
					got[c.Name] = *c.NoPicture
				} else {
					got[c.Name] = ""
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("no_picture by camera: got %v, want %v", got, tt.want)
			}
		})
	}
}
