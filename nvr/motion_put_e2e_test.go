package nvr_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/porchlight/porchlight/recorder/mediatest"
)

// putFront sends PUT /api/v1/config/cameras/front with camera url and the given motion block (JSON) to a
// running node, and returns the status and body.
func putFront(t *testing.T, base, tok, url, motion string) (int, string) {
	t.Helper()
	body := fmt.Sprintf(`{"url":%q,"transport":"tcp","enabled":true,"motion":%s}`, url, motion)
	req, _ := http.NewRequest("PUT", base+"/api/v1/config/cameras/front", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestServeMotionPartialPut changes one motion key of a recording camera through the API of a real
// `porchlight serve`: the zones stay (in the config file, the API and the running detector), turning
// on decode_keyframes keeps the rest, clearing the zones applies without a restart, and sensitivity 0 is refused naming the key and changes nothing.
func TestServeMotionPartialPut(t *testing.T) {
	mediatest.Require(t, "ffmpeg") // zones are checked (and reported) only with ffmpeg
	cam := startBoxCamera(t)
	cfgPath, base, tok := initNode(t, "    url: "+cam.URL()+
		"\n    motion: {post_roll: 2s, zones: [[[0, 0], [0.5, 0], [0.5, 1], [0, 1]]]}\n", nil)
	startServe(t, cfgPath)
	mediatest.WaitFor(t, 30*time.Second, "front's zones checked", func() bool { return frontPictures(t, base, tok).ZonesChecked })
	reconnects := cameraField(t, base, tok, func(c camState) any { return c.Reconnects })

	if code, body := putFront(t, base, tok, cam.URL(), `{"sensitivity": 0.8}`); code != 200 {
		t.Fatalf("PUT sensitivity: %d %s", code, body)
	}
	cfg, _ := os.ReadFile(cfgPath)
	if !strings.Contains(string(cfg), "enabled: true, sensitivity: 0.8,") || !strings.Contains(string(cfg), "zones: [[[0, 0], [0.5, 0], [0.5, 1], [0, 1]]]") {
		t.Errorf("config file after a sensitivity change:\n%s\nwant sensitivity 0.8, detection on and the zone kept", cfg)
	}
	_, b := apiGet(t, base, tok, "/api/v1/config/cameras")
	var cams []struct {
		Motion struct {
			Enabled     bool
			Sensitivity float64
			PostRoll    string `json:"post_roll"`
			Zones       [][][]float64
		}
	}
	if err := json.Unmarshal(b, &cams); err != nil || len(cams) != 1 {
		t.Fatalf("cameras: %v %s", err, b)
	}
	if m := cams[0].Motion; !m.Enabled || m.Sensitivity != 0.8 || m.PostRoll != "2s" || len(m.Zones) != 1 {
		t.Errorf("motion after a sensitivity change: %+v, want on, 0.8, post_roll 2s, one zone", m)
	}
	if !frontPictures(t, base, tok).ZonesChecked {
		t.Errorf("the running detector lost its zones after a sensitivity change")
	}

	if code, body := putFront(t, base, tok, cam.URL(), `{"decode_keyframes": true}`); code != 200 {
		t.Fatalf("PUT decode_keyframes: %d %s", code, body)
	}
	cfg, _ = os.ReadFile(cfgPath)
	if !strings.Contains(string(cfg), "decode_keyframes: true") || !strings.Contains(string(cfg), "sensitivity: 0.8,") {
		t.Errorf("config file after decode_keyframes:\n%s\nwant it set, sensitivity 0.8 kept", cfg)
	}
	if p := frontPictures(t, base, tok); !p.ZonesChecked || p.KeyframesNote != "" {
		t.Errorf("pictures after decode_keyframes with ffmpeg: %+v, want zones checked and no keyframes note", p)
	}

	if code, body := putFront(t, base, tok, cam.URL(), `{"zones": []}`); code != 200 {
		t.Fatalf("PUT no zones: %d %s", code, body)
	}
	mediatest.WaitFor(t, 10*time.Second, "zones no longer checked", func() bool { return !frontPictures(t, base, tok).ZonesChecked })

	before, _ := os.ReadFile(cfgPath)
	code, body := putFront(t, base, tok, cam.URL(), `{"sensitivity": 0}`)
	if code != 400 || !strings.Contains(body, "cameras[0].motion.sensitivity: must be above 0") {
		t.Errorf("PUT sensitivity 0: %d %s, want 400 naming cameras[0].motion.sensitivity", code, body)
	}
	if after, _ := os.ReadFile(cfgPath); string(after) != string(before) {
		t.Errorf("a refused change rewrote the config:\n%s", after)
	}
	if got := cameraField(t, base, tok, func(c camState) any { return c.Reconnects }); got != reconnects {
		t.Errorf("reconnects %v -> %v: the camera restarted", reconnects, got)
	}
}
