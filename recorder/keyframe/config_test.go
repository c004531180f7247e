package keyframe

import (
	"math"
	"strings"
	"testing"
)

func TestConfigErrorsNameTheKey(t *testing.T) {
	sq := Polygon{{0, 0}, {1, 0}, {1, 1}}
	tests := []struct {
		cfg  Config
		want string
	}{
		{Config{Codec: "H264"}, ""},
		{Config{Codec: "H265", Zones: []Polygon{sq}, Masks: []Polygon{sq}, Sensitivity: 1}, ""},
		{Config{Codec: "MJPEG"}, `codec: "MJPEG" has no keyframe stage (want H264 or H265)`},
		{Config{Codec: "H264", Sensitivity: 1.5}, "motion.sensitivity: 1.5 is outside 0..1"},
		{Config{Codec: "H264", Zones: []Polygon{sq, {{0, 0}, {1, 1}}}}, "motion.zones[1]: a polygon needs at least 3 points, got 2"},
		{Config{Codec: "H264", Masks: []Polygon{{{0, 0}, {1, 0}, {1.2, 1}}}}, "motion.masks[0][2]: coordinates must be in 0..1 frame units, got [1.2, 1]"},
		{Config{Codec: "H264", Masks: []Polygon{{{0, 0}, {math.NaN(), 0}, {1, 1}}}}, "motion.masks[0][1]: coordinates must be in 0..1 frame units, got [NaN, 0]"},
		{Config{Codec: "H264", Width: 161}, "keyframe width: 161 must be even and at most 1920"},
	}
	for _, tt := range tests {
		err := tt.cfg.Validate()
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != tt.want {
			t.Errorf("Validate(%+v): got %q, want %q", tt.cfg, got, tt.want)
		}
	}
	if _, err := New(Config{Camera: "front", Codec: "VP8"}); err == nil || !strings.HasPrefix(err.Error(), `camera "front": codec:`) {
		t.Errorf("New with a bad codec: got %v, want the camera and key named", err)
	}
}
