package ui

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// TestCameraMotionMerge changes parts of a camera's motion block through PUT: each change keeps the keys
// it leaves out, clears what it sets empty, and a wrong key or type is refused naming it.
func TestCameraMotionMerge(t *testing.T) {
	e, fa := newCameraAdminEnv(t)
	sens := 0.5
	zone := [][][]float64{{{0.1, 0.5}, {0.9, 0.5}, {0.9, 1}, {0.1, 1}}}
	fa.cams[0].Motion = &MotionSettings{Enabled: true, Sensitivity: &sens, MinDuration: "1s", PreRoll: "5s",
		PostRoll: "10s", Zones: zone, Masks: [][][]float64{}}
	admin := e.login("admin", e.adminPW)
	put := func(motion string) (int, []byte) {
		t.Helper()
		var m json.RawMessage = []byte(motion)
		code, _, body := e.do(admin, "PUT", "/api/v1/config/cameras/front",
			map[string]any{"url": "rtsp://cam:xxxxx@10.0.0.5:554/main", "motion": m})
		return code, body
	}
	motion := func() MotionSettings { return *fa.CameraSettings()[0].Motion }

	code, body := put(`{"sensitivity": 0.8}`)
	wantStatus(t, "PUT sensitivity", code, 200, body)
	got := motion()
	if got.Sensitivity == nil || *got.Sensitivity != 0.8 || !got.Enabled || got.PostRoll != "10s" || !reflect.DeepEqual(got.Zones, zone) {
		t.Errorf("after a sensitivity change: got %+v (zones %v), want sensitivity 0.8 and the rest kept", got, got.Zones)
	}
	if zone[0][0][0] != 0.1 {
		t.Errorf("the stored zone was written into: %v", zone)
	}

	code, body = put(`{"post_roll": "3s", "zones": []}`)
	wantStatus(t, "PUT post_roll and no zones", code, 200, body)
	if got := motion(); got.PostRoll != "3s" || len(got.Zones) != 0 || got.Sensitivity == nil || *got.Sensitivity != 0.8 {
		t.Errorf("after clearing zones: got %+v, want post_roll 3s, no zones, sensitivity 0.8", got)
	}

	for _, c := range []struct{ motion, want string }{
		{`{"threshold": 3}`, `motion: json: unknown field "threshold"`},
		{`{"sensitivity": "high"}`, "motion: json: cannot unmarshal string"},
		{`[1]`, "motion: must be an object of motion keys"},
	} {
		before := motion()
		code, body := put(c.motion)
		wantStatus(t, "PUT "+c.motion, code, 400, body)
		var answer struct{ Error string }
		if err := json.Unmarshal(body, &answer); err != nil || !strings.HasPrefix(answer.Error, c.want) {
			t.Errorf("PUT %s: got %s, want an error starting %q", c.motion, body, c.want)
		}
		if got := motion(); !reflect.DeepEqual(got, before) {
			t.Errorf("PUT %s changed the block: %+v -> %+v", c.motion, before, got)
		}
	}
}
