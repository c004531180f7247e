package recorder

import (
	"testing"
	"time"
)

// TestConfigValidateLimits: limits that make no sense are errors that name the key.
func TestConfigValidateLimits(t *testing.T) {
	cam := func(l Limits) []CameraConfig {
		return []CameraConfig{{Name: "a", URL: "rtsp://h/"}, {Name: "b", Retention: l}}
	}
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"events_max_age longer than max_age", Config{Retention: Limits{MaxAge: time.Hour, EventsMaxAge: 2 * time.Hour}}, ""},
		{"events_max_age without max_age", Config{Retention: Limits{EventsMaxAge: time.Hour}}, ""},
		{"events_max_age shorter than max_age", Config{Retention: Limits{MaxAge: 2 * time.Hour, EventsMaxAge: time.Hour}},
			"recorder: retention.events_max_age (1h0m0s): must not be shorter than max_age (2h0m0s)"},
		{"negative events_max_age", Config{Retention: Limits{EventsMaxAge: -1}},
			"recorder: retention.events_max_age: must not be negative"},
		{"negative max_age", Config{Retention: Limits{MaxAge: -1}}, "recorder: retention.max_age: must not be negative"},
		{"negative max_bytes", Config{Retention: Limits{MaxBytes: -1}}, "recorder: retention.max_bytes: must not be negative"},
		{"a camera's events_max_age shorter than its max_age",
			Config{Cameras: cam(Limits{MaxAge: time.Hour, EventsMaxAge: time.Minute})},
			"recorder: cameras[1].retention.events_max_age (1m0s): must not be shorter than max_age (1h0m0s)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.cfg.DataDir = t.TempDir()
			err := tt.cfg.validate()
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tt.want {
				t.Fatalf("got error %q, want %q", got, tt.want)
			}
		})
	}
}
