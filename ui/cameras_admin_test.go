package ui

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// fakeCameraAdmin keeps cameras in memory and refuses non-RTSP URLs the way the config does.
type fakeCameraAdmin struct {
	mu     sync.Mutex
	cams   []CameraSettings
	probed []string // URLs given to Probe
}

func (f *fakeCameraAdmin) CameraSettings() []CameraSettings {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]CameraSettings(nil), f.cams...)
}

func (f *fakeCameraAdmin) EditCameras(edit func([]CameraSettings) ([]CameraSettings, error)) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	next, err := edit(append([]CameraSettings(nil), f.cams...))
	if err != nil {
		return err
	}
	for i, c := range next {
		if !strings.HasPrefix(c.URL, "rtsp://") {
			return requestError("cameras[" + strconv.Itoa(i) + "].url: scheme must be rtsp or rtsps")
		}
	}
	f.cams = next
	return nil
}

func (f *fakeCameraAdmin) Probe(ctx context.Context, u, transport string) (*ProbeResult, error) {
	f.mu.Lock()
	f.probed = append(f.probed, u)
	f.mu.Unlock()
	if strings.Contains(u, "refused") {
		return nil, errors.New("probe: connect: connection refused")
	}
	return &ProbeResult{VideoCodec: "H264", Width: 640, Height: 360, FPS: 25, AudioCodec: "AAC", SampleRate: 48000, Channels: 1}, nil
}

// newCameraAdminEnv is an authEnv whose server manages the cameras of fa ("front", with a password).
func newCameraAdminEnv(t *testing.T) (*authEnv, *fakeCameraAdmin) {
	t.Helper()
	e := newAuthEnv(t)
	fa := &fakeCameraAdmin{cams: []CameraSettings{{Name: "front", URL: "rtsp://cam:s3cret@10.0.0.5:554/main",
		Transport: "tcp", Enabled: true}}}
	s := &Server{Listen: "127.0.0.1:0", DataDir: e.dir, Cameras: &fakeCameras{}, CameraAdmin: fa, Now: e.clock.Now, afterFunc: e.clock.AfterFunc}
	e.url = runServer(t, s)
	return e, fa
}

// TestCameraConfigRoutes runs add, replace, list and delete in order as an admin.
func TestCameraConfigRoutes(t *testing.T) {
	e, fa := newCameraAdminEnv(t)
	admin := e.login("admin", e.adminPW)
	steps := []struct {
		name, method, path string
		body               any
		want               int
		wantBody           string // substring of the answer
	}{
		{"list masks the password", "GET", "/api/v1/config/cameras", nil, 200, `"url":"rtsp://cam:xxxxx@10.0.0.5:554/main"`},
		{"add", "POST", "/api/v1/config/cameras", map[string]any{"name": "back", "url": "rtsp://u:pw2@10.0.0.6/s"}, 201, `"url":"rtsp://u:xxxxx@10.0.0.6/s"`},
		{"add takes defaults", "GET", "/api/v1/config/cameras", nil, 200, `"name":"back","url":"rtsp://u:xxxxx@10.0.0.6/s","transport":"tcp","enabled":true`},
		{"add a taken name", "POST", "/api/v1/config/cameras", map[string]any{"name": "back", "url": "rtsp://10.0.0.7/s"}, 409, "already exists"},
		{"add a bad URL", "POST", "/api/v1/config/cameras", map[string]any{"name": "side", "url": "http://10.0.0.7/s"}, 400, "cameras[2].url: scheme must be rtsp or rtsps"},
		{"add an unknown key", "POST", "/api/v1/config/cameras", map[string]any{"name": "side", "url": "rtsp://h/", "x": 1}, 400, "unknown field"},
		{"replace keeping the masked password", "PUT", "/api/v1/config/cameras/front", map[string]any{"url": "rtsp://cam:xxxxx@10.0.0.5:554/main", "transport": "udp", "enabled": false, "location": map[string]float64{"lat": 40.7, "lon": -74}}, 200, `"transport":"udp","enabled":false`},
		{"replace with a new path keeps the password", "PUT", "/api/v1/config/cameras/front", map[string]any{"url": "rtsp://cam:xxxxx@10.0.0.5:554/sub"}, 200, `"url":"rtsp://cam:xxxxx@10.0.0.5:554/sub"`},
		{"a masked password for a new host", "PUT", "/api/v1/config/cameras/front", map[string]any{"url": "rtsp://cam:xxxxx@evil.example/main"}, 400, "url: the password is masked"},
		{"a masked password for another scheme", "PUT", "/api/v1/config/cameras/front", map[string]any{"url": "rtsps://cam:xxxxx@10.0.0.5:554/sub"}, 400, "url: the password is masked"},
		{"rename", "PUT", "/api/v1/config/cameras/front", map[string]any{"name": "porch", "url": "rtsp://h/"}, 400, "cannot be renamed"},
		{"replace an unknown camera", "PUT", "/api/v1/config/cameras/nope", map[string]any{"url": "rtsp://h/"}, 404, "not found"},
		{"delete", "DELETE", "/api/v1/config/cameras/back", nil, 204, ""},
		{"delete an unknown camera", "DELETE", "/api/v1/config/cameras/back", nil, 404, "not found"},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			code, _, body := e.do(admin, st.method, st.path, st.body)
			wantStatus(t, st.method+" "+st.path, code, st.want, body)
			if !strings.Contains(string(body), st.wantBody) {
				t.Errorf("got body %s, want it to contain %s", body, st.wantBody)
			}
		})
	}
	got := fa.CameraSettings()
	want := []CameraSettings{{Name: "front", URL: "rtsp://cam:s3cret@10.0.0.5:554/sub", Transport: "tcp", Enabled: true}}
	if len(got) != 1 || got[0] != want[0] {
		t.Errorf("got cameras %+v, want %+v", got, want)
	}
}

// TestCameraConfigNeedsAdminAndCSRF checks that viewers and requests without the CSRF token change nothing.
func TestCameraConfigNeedsAdminAndCSRF(t *testing.T) {
	e, fa := newCameraAdminEnv(t)
	admin := e.login("admin", e.adminPW)
	viewer := e.login("viewer", viewerPW)
	noCSRF := creds{cookie: admin.cookie}
	cam := map[string]any{"name": "back", "url": "rtsp://10.0.0.6/s"}
	probe := map[string]any{"url": "rtsp://10.0.0.6/s"}
	tests := []struct {
		name         string
		c            creds
		method, path string
		body         any
		want         int
	}{
		{"viewer lists", viewer, "GET", "/api/v1/config/cameras", nil, 200},
		{"viewer adds", viewer, "POST", "/api/v1/config/cameras", cam, 403},
		{"viewer replaces", viewer, "PUT", "/api/v1/config/cameras/front", cam, 403},
		{"viewer deletes", viewer, "DELETE", "/api/v1/config/cameras/front", nil, 403},
		{"viewer probes", viewer, "POST", "/api/v1/cameras/probe", probe, 403},
		{"admin adds without CSRF", noCSRF, "POST", "/api/v1/config/cameras", cam, 403},
		{"admin replaces without CSRF", noCSRF, "PUT", "/api/v1/config/cameras/front", cam, 403},
		{"admin deletes without CSRF", noCSRF, "DELETE", "/api/v1/config/cameras/front", nil, 403},
		{"admin probes without CSRF", noCSRF, "POST", "/api/v1/cameras/probe", probe, 403},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, body := e.do(tt.c, tt.method, tt.path, tt.body)
			wantStatus(t, tt.method+" "+tt.path, code, tt.want, body)
		})
	}
	if got := fa.CameraSettings(); len(got) != 1 || got[0].URL != "rtsp://cam:s3cret@10.0.0.5:554/main" {
		t.Errorf("got cameras %+v, want front unchanged", got)
	}
	// Viewers see the cameras but none of their addresses (which may hold credentials in the query).
	if _, _, body := e.do(viewer, "GET", "/api/v1/config/cameras", nil); strings.Contains(string(body), "10.0.0.5") ||
		!strings.Contains(string(body), `"name":"front"`) {
		t.Errorf("viewer's camera list %s: want the name without the address", body)
	}
	if len(fa.probed) != 0 {
		t.Errorf("got probes of %q, want none", fa.probed)
	}
}

func TestProbeRoute(t *testing.T) {
	e, fa := newCameraAdminEnv(t)
	admin := e.login("admin", e.adminPW)
	tests := []struct {
		name      string
		body      probeRequest
		want      int
		wantBody  string
		wantProbe string // URL the probe got; "" = not probed
	}{
		{"ok", probeRequest{URL: "rtsp://10.0.0.6/s"}, 200, `"video_codec":"H264","width":640,"height":360,"fps":25,"audio_codec":"AAC"`, "rtsp://10.0.0.6/s"},
		{"probe fails", probeRequest{URL: "rtsp://refused/s", Transport: "udp"}, 502, `"error":"probe: connect: connection refused"`, "rtsp://refused/s"},
		{"not rtsp", probeRequest{URL: "http://10.0.0.6/s"}, 400, "url: scheme must be rtsp or rtsps", ""},
		{"no host", probeRequest{URL: "rtsp:///s"}, 400, "url: missing host", ""},
		{"port out of range", probeRequest{URL: "rtsp://10.0.0.6:99999/s"}, 400, `url: invalid port \"99999\" (want 1 to 65535)`, ""},
		{"bad transport", probeRequest{URL: "rtsp://10.0.0.6/s", Transport: "http"}, 400, "transport:", ""},
		{"masked password of a camera", probeRequest{URL: "rtsp://cam:xxxxx@10.0.0.5:554/main", Camera: "front"}, 200, "H264", "rtsp://cam:s3cret@10.0.0.5:554/main"},
		{"masked password, other host", probeRequest{URL: "rtsp://cam:xxxxx@10.9.9.9/main", Camera: "front"}, 400, "password is masked", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fa.mu.Lock()
			fa.probed = nil
			fa.mu.Unlock()
			code, _, body := e.do(admin, "POST", "/api/v1/cameras/probe", tt.body)
			wantStatus(t, "probe", code, tt.want, body)
			if !strings.Contains(string(body), tt.wantBody) {
				t.Errorf("got body %s, want it to contain %s", body, tt.wantBody)
			}
			fa.mu.Lock()
			defer fa.mu.Unlock()
			var got string
			if len(fa.probed) > 0 {
				got = fa.probed[0]
			}
			if got != tt.wantProbe {
				t.Errorf("got probe of %q, want %q", got, tt.wantProbe)
			}
		})
	}
}

func TestCameraConfigWithoutAdmin(t *testing.T) {
	e := newAuthEnv(t) // its server has no CameraAdmin
	admin := e.login("admin", e.adminPW)
	code, _, body := e.do(admin, "GET", "/api/v1/config/cameras", nil)
	wantStatus(t, "list", code, 200, body)
	var cams []CameraSettings
	if err := json.Unmarshal(body, &cams); err != nil || len(cams) != 0 {
		t.Errorf("got %s (%v), want []", body, err)
	}
	code, _, body = e.do(admin, "POST", "/api/v1/config/cameras", map[string]any{"name": "a", "url": "rtsp://h/"})
	wantStatus(t, "add", code, 501, body)
}

func TestMaskURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"rtsp://10.0.0.5/s", "rtsp://10.0.0.5/s"},
		{"rtsp://user@10.0.0.5/s", "rtsp://user@10.0.0.5/s"},
		{"rtsp://user:p%40ss@10.0.0.5:554/s?x=1", "rtsp://user:xxxxx@10.0.0.5:554/s?x=1"},
		{"rtsp://user:pw@[::1", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := maskURL(tt.in); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// FuzzUnmaskURL checks that a stored password only ever goes back to the user and host it was stored for.
func FuzzUnmaskURL(f *testing.F) {
	f.Add("rtsp://cam:xxxxx@10.0.0.5:554/main", "rtsp://cam:s3cret@10.0.0.5:554/main")
	f.Add("rtsp://cam:xxxxx@evil/main", "rtsp://cam:s3cret@10.0.0.5:554/main")
	f.Add("rtsp://other:xxxxx@10.0.0.5:554/main", "rtsp://cam:s3cret@10.0.0.5:554/main")
	f.Add("rtsp://10.0.0.5/x", "rtsp://cam:pw@10.0.0.5/")
	f.Fuzz(func(t *testing.T, u, stored string) {
		got, err := unmaskURL("url", u, stored)
		if err != nil {
			if !errors.Is(err, ErrBadRequest) {
				t.Fatalf("got error %v, want one matching ErrBadRequest", err)
			}
			return
		}
		if got == u || got == stored {
			return
		}
		gp, err1 := url.Parse(got)
		sp, err2 := url.Parse(stored)
		up, err3 := url.Parse(u)
		if err1 != nil || err2 != nil || err3 != nil || gp.User == nil || sp.User == nil || up.User == nil {
			t.Fatalf("unmaskURL(%q, %q) = %q: changed a URL it should leave alone", u, stored, got)
		}
		if gp.Host != sp.Host || gp.User.Username() != sp.User.Username() || gp.Host != up.Host {
			t.Fatalf("unmaskURL(%q, %q) = %q: stored password sent to another user or host", u, stored, got)
		}
	})
}
