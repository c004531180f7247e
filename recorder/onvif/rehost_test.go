package onvif

import "testing"

// TestRehost: service, stream and snapshot addresses a camera reports are reached at the host the device
// answered on, keeping their ports and paths; credentials are added to media URIs only.
func TestRehost(t *testing.T) {
	tests := []struct {
		device, ref, media string
	}{
		{"http://10.0.0.9:8080/onvif/device_service", "rtsp://192.168.68.111/h264main",
			"rtsp://u:p@10.0.0.9/h264main"},
		{"http://10.0.0.9/onvif/device_service", "rtsp://192.168.68.111:8554/s?x=1",
			"rtsp://u:p@10.0.0.9:8554/s?x=1"},
		{"http://[fd00::9]:81/onvif/device_service", "rtsp://192.168.1.5/live",
			"rtsp://u:p@[fd00::9]/live"},
		{"http://10.0.0.9/onvif/device_service", "rtsp://x:y@10.0.0.9:554/own",
			"rtsp://x:y@10.0.0.9:554/own"},
	}
	for _, tt := range tests {
		c, err := NewClient(tt.device, "u", "p")
		if err != nil {
			t.Fatal(err)
		}
		got, err := c.media(tt.ref, "rtsp")
		if err != nil || got != tt.media {
			t.Errorf("media(%q) on %s: got %q, %v; want %q", tt.ref, tt.device, got, err, tt.media)
		}
		u, err := c.at(tt.ref)
		if tt.ref[:4] == "rtsp" && err == nil {
			t.Errorf("at(%q): an rtsp service address accepted as %v", tt.ref, u)
		}
	}
	c, _ := NewClient("http://10.0.0.9:8080/x", "", "")
	if u, err := c.at("http://192.168.68.111/onvif/services"); err != nil || u.String() != "http://10.0.0.9:8080/onvif/services" {
		t.Errorf("at: got %v, %v", u, err)
	}
	if _, err := c.media("http://10.0.0.9/snap.jpg", "rtsp", "rtsps"); err == nil {
		t.Error("an http stream URI: got no error")
	}
}
