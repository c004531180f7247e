package ui

import (
	"net/http"
	"strings"
	"testing"
)

func TestRedactAddresses(t *testing.T) {
	secrets := []string{"frontcam", "s3cret", "cam"}
	tests := []struct{ msg, want string }{
		{"connect: dial tcp 192.168.1.20:554: connect: connection refused",
			"connect: dial tcp [redacted]: connect: connection refused"},
		{"connect: dial tcp: lookup frontcam on 127.0.0.53:53: no such host",
			"connect: dial tcp: lookup [redacted] on [redacted]: no such host"},
		{"connect: dial tcp [fd00::5]:554: i/o timeout", "connect: dial tcp [redacted]: i/o timeout"},
		{"all dials failed: * [/ip4/192.168.1.7/tcp/7481] dial: refused; /ip6/fd00::7/udp/7481/quic-v1: timeout",
			"all dials failed: * [[redacted]] dial: refused; [redacted]: timeout"},
		{"no route to /dns4/elm.example/tcp/7481/p2p/12D3KooWAbc.", "no route to [redacted]."},
		{"connect: dial tcp fd00::5: no route", "connect: dial tcp [redacted]: no route"},
		{"connect: dial tcp 10.0.0.5: no route", "connect: dial tcp [redacted]: no route"},
		{"connect: dial tcp ::1: no route", "connect: dial tcp [redacted]: no route"},
		{"connect: no route to ::ffff:10.0.0.5 now", "connect: no route to [redacted] now"},
		{"connect: no route to fd00::ffff:10.0.0.5 now", "connect: no route to [redacted] now"},
		{`describe: "rtsp://cam:s3cret@10.0.0.5:554/main": 401 Unauthorized`, `describe: "[redacted]": 401 Unauthorized`},
		{"user cam, password s3cret", "user [redacted], password [redacted]"},
		{"x509: certificate is valid for cam.example.com, not frontcam.lan",
			"x509: certificate is valid for [redacted], not [redacted]"},
		{"connect: dial tcp frontcam.local:8554: refused", "connect: dial tcp [redacted]: refused"},
		{"camera camcam stopped", "camera camcam stopped"}, // user "cam" only as a word of its own
		{"describe: bad status code: 401 (Unauthorized)", "describe: bad status code: 401 (Unauthorized)"},
		{"stream: no data for 10s", "stream: no data for 10s"},
	}
	for _, tt := range tests {
		if got := redactAddresses(tt.msg, secrets); got != tt.want {
			t.Errorf("redactAddresses(%q): got %q, want %q", tt.msg, got, tt.want)
		}
	}
}

// failingCameras is fakeCameras whose camera failed with lastErr.
type failingCameras struct {
	*fakeCameras
	lastErr string
}

func (f failingCameras) Cameras() []Camera {
	return []Camera{{Name: "front", Stream: "main", State: "error", LastError: f.lastErr, Pictures: &CameraPictures{
		NoSnapshotReason: noPicture, SnapshotError: "event 7: snapshot http://10.0.0.5/snap.jpg: 401 Unauthorized"}}}
}

const noPicture = "ffmpeg not found on PATH and no snapshot_url (ONVIF GetSnapshotUri: dial tcp 10.0.0.5:80: connect: connection refused)"

// TestViewerSeesRedactedLastError: the cameras and storage routes show a viewer a camera's last error
// without the camera's host, port, user and password, and so are the reasons it has no pictures; an
// admin sees all of it.
func TestViewerSeesRedactedLastError(t *testing.T) {
	e := newAuthEnv(t)
	const lastErr = "describe: rtsp://cam:s3cret@10.0.0.5:554/main: 401; connect: dial tcp: lookup frontcam on 10.0.0.1:53: no such host"
	fa := &fakeCameraAdmin{cams: []CameraSettings{{Name: "front", URL: "rtsp://cam:s3cret@frontcam:554/main",
		Transport: "tcp", Enabled: true}}}
	s := &Server{Listen: "127.0.0.1:0", DataDir: e.dir, Cameras: failingCameras{&fakeCameras{}, lastErr},
		CameraAdmin: fa, Now: e.clock.Now, afterFunc: e.clock.AfterFunc}
	e.url = runServer(t, s)
	admin, viewer := e.login("admin", e.adminPW), e.login("viewer", viewerPW)
	for _, path := range []string{"/api/v1/cameras", "/api/v1/storage"} {
		code, _, body := e.do(viewer, "GET", path, nil)
		wantStatus(t, "viewer GET "+path, code, http.StatusOK, body)
		for _, leak := range []string{"10.0.0.5", "554", "frontcam", "s3cret", "cam:", "10.0.0.1"} {
			if strings.Contains(string(body), leak) {
				t.Errorf("viewer GET %s: %q in %s", path, leak, body)
			}
		}
		if want := `"last_error":"describe: [redacted]: 401; connect: dial tcp: lookup [redacted] on [redacted]: no such host"`; !strings.Contains(string(body), want) {
			t.Errorf("viewer GET %s: got %s, want it to contain %s", path, body, want)
		}
		if want := `"no_snapshot_reason":"ffmpeg not found on PATH and no snapshot_url (ONVIF GetSnapshotUri: dial tcp [redacted]: connect: connection refused)","zones_checked":false,"snapshots_taken":0,"snapshots_failed":0,"snapshot_error":"event 7: snapshot [redacted]: 401 Unauthorized"`; path == "/api/v1/cameras" && !strings.Contains(string(body), want) {
			t.Errorf("viewer GET %s: got %s, want it to contain %s", path, body, want)
		}
		code, _, body = e.do(admin, "GET", path, nil)
		wantStatus(t, "admin GET "+path, code, http.StatusOK, body)
		if !strings.Contains(string(body), `"last_error":"`+lastErr+`"`) {
			t.Errorf("admin GET %s: got %s, want the whole last error", path, body)
		}
		if path == "/api/v1/cameras" && !strings.Contains(string(body), `"no_snapshot_reason":"`+noPicture+`"`) {
			t.Errorf("admin GET %s: got %s, want the whole reason", path, body)
		}
	}
}

// failedDeliveries is a Requests whose one delivery failed with lastErr; its other methods are not called.
type failedDeliveries struct {
	requestsAPI // nil: panics if called
	lastErr     string
}

func (f failedDeliveries) Deliveries() ([]Delivery, error) {
	return []Delivery{{ID: "d1", Request: "r1", Camera: "front", Status: "pending", LastError: f.lastErr}}, nil
}

// TestViewerSeesRedactedDeliveryError: GET /api/v1/deliveries shows a viewer a delivery's last error
// without the agency's multiaddrs, hosts and ports; an admin sees all of it.
func TestViewerSeesRedactedDeliveryError(t *testing.T) {
	e := newAuthEnv(t)
	const lastErr = "open stream to 12D3KooWAgency: failed to dial: all dials failed; " +
		"* [/ip4/203.0.113.7/tcp/7481] dial tcp4 203.0.113.7:7481: connect: connection refused; " +
		"* [/dns4/pd.example.org/udp/7481/quic-v1] timeout"
	s := &Server{Listen: "127.0.0.1:0", DataDir: e.dir, Cameras: &fakeCameras{},
		Requests: failedDeliveries{lastErr: lastErr}, Now: e.clock.Now, afterFunc: e.clock.AfterFunc}
	e.url = runServer(t, s)
	admin, viewer := e.login("admin", e.adminPW), e.login("viewer", viewerPW)
	code, _, body := e.do(viewer, "GET", "/api/v1/deliveries", nil)
	wantStatus(t, "viewer GET /api/v1/deliveries", code, http.StatusOK, body)
	for _, leak := range []string{"203.0.113.7", "7481", "pd.example.org", "/ip4/", "/dns4/"} {
		if strings.Contains(string(body), leak) {
			t.Errorf("viewer GET /api/v1/deliveries: %q in %s", leak, body)
		}
	}
	if want := `"last_error":"open stream to 12D3KooWAgency: failed to dial: all dials failed; * [[redacted]] dial tcp4 [redacted]: connect: connection refused; * [[redacted]] timeout"`; !strings.Contains(string(body), want) {
		t.Errorf("viewer GET /api/v1/deliveries: got %s, want it to contain %s", body, want)
	}
	code, _, body = e.do(admin, "GET", "/api/v1/deliveries", nil)
	wantStatus(t, "admin GET /api/v1/deliveries", code, http.StatusOK, body)
	if !strings.Contains(string(body), `"last_error":"`+lastErr+`"`) {
		t.Errorf("admin GET /api/v1/deliveries: got %s, want the whole last error", body)
	}
}
