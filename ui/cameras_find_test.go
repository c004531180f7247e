package ui

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// fakeFinder answers one found camera and inspects only with the right password.
type fakeFinder struct{ inspected []string }

func (f *fakeFinder) Discover(ctx context.Context) ([]FoundCamera, error) {
	return []FoundCamera{{Endpoint: "urn:uuid:1", XAddrs: []string{"http://10.0.0.9/onvif/device_service"}, Name: "Porch", From: "10.0.0.9"}}, nil
}

func (f *fakeFinder) InspectONVIF(ctx context.Context, xaddr, user, pass string) (*ONVIFCamera, error) {
	f.inspected = append(f.inspected, xaddr)
	if pass != "right" {
		return nil, fmt.Errorf("%s: %w", xaddr, ErrCameraRefused)
	}
	return &ONVIFCamera{Device: xaddr, Manufacturer: "Acme", Model: "C1", MainURL: "rtsp://admin:right@10.0.0.9/main"}, nil
}

// TestCameraFinderRoutes: admins find and inspect cameras; viewers and requests without CSRF cannot;
// refused credentials are a 502 that names them, never a 401.
func TestCameraFinderRoutes(t *testing.T) {
	e := newAuthEnv(t)
	ff := &fakeFinder{}
	s := &Server{Listen: "127.0.0.1:0", DataDir: e.dir, Cameras: &fakeCameras{}, CameraFinder: ff, Now: e.clock.Now, afterFunc: e.clock.AfterFunc}
	e.url = runServer(t, s)
	admin := e.login("admin", e.adminPW)
	viewer := e.login("viewer", viewerPW)
	noCSRF := creds{cookie: admin.cookie}
	good := map[string]any{"xaddr": "http://10.0.0.9/onvif/device_service", "username": "admin", "password": "right"}
	tests := []struct {
		name     string
		c        creds
		path     string
		body     any
		want     int
		wantBody string
	}{
		{"admin discovers", admin, "/api/v1/cameras/discover", nil, 200, `"xaddrs":["http://10.0.0.9/onvif/device_service"]`},
		{"admin inspects", admin, "/api/v1/cameras/onvif/probe", good, 200, `"manufacturer":"Acme","model":"C1"`},
		{"wrong password", admin, "/api/v1/cameras/onvif/probe", map[string]any{"xaddr": "http://10.0.0.9/x", "username": "admin", "password": "hunter2"}, 502, "the camera refused the user name or password"},
		{"bad xaddr", admin, "/api/v1/cameras/onvif/probe", map[string]any{"xaddr": "rtsp://10.0.0.9/x"}, 400, "xaddr: must be the device's http(s) service URL"},
		{"unknown key", admin, "/api/v1/cameras/onvif/probe", map[string]any{"xaddr": "http://10.0.0.9/x", "pass": "x"}, 400, "unknown field"},
		{"viewer discovers", viewer, "/api/v1/cameras/discover", nil, 403, ""},
		{"viewer inspects", viewer, "/api/v1/cameras/onvif/probe", good, 403, ""},
		{"no CSRF discovers", noCSRF, "/api/v1/cameras/discover", nil, 403, ""},
		{"no CSRF inspects", noCSRF, "/api/v1/cameras/onvif/probe", good, 403, ""},
		{"anonymous discovers", creds{}, "/api/v1/cameras/discover", nil, 401, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, body := e.do(tt.c, "POST", tt.path, tt.body)
			wantStatus(t, "POST "+tt.path, code, tt.want, body)
			if !strings.Contains(string(body), tt.wantBody) {
				t.Errorf("got body %s, want it to contain %s", body, tt.wantBody)
			}
			if strings.Contains(string(body), "hunter2") {
				t.Errorf("body %s shows the password", body)
			}
		})
	}
	if len(ff.inspected) != 2 {
		t.Errorf("inspected %q, want only the admin's two requests with a good xaddr", ff.inspected)
	}
}

// TestCameraFinderMissing: without a finder both routes answer 501.
func TestCameraFinderMissing(t *testing.T) {
	e := newAuthEnv(t)
	s := &Server{Listen: "127.0.0.1:0", DataDir: e.dir, Cameras: &fakeCameras{}, Now: e.clock.Now, afterFunc: e.clock.AfterFunc}
	e.url = runServer(t, s)
	admin := e.login("admin", e.adminPW)
	for _, p := range []string{"/api/v1/cameras/discover", "/api/v1/cameras/onvif/probe"} {
		code, _, body := e.do(admin, "POST", p, map[string]any{"xaddr": "http://h/"})
		wantStatus(t, "POST "+p, code, 501, body)
	}
}

// TestCameraChangeKeepsONVIF: a change without snapshot_url or onvif keeps them; masked passwords in
// them stay the stored ones; null removes the block.
func TestCameraChangeKeepsONVIF(t *testing.T) {
	e, fa := newCameraAdminEnv(t)
	fa.cams[0].SnapshotURL = "http://cam:s3cret@10.0.0.5/snap.jpg"
	fa.cams[0].ONVIF = &ONVIFSettings{URL: "http://cam:s3cret@10.0.0.5/onvif/device_service", Events: true}
	admin := e.login("admin", e.adminPW)
	code, _, body := e.do(admin, "GET", "/api/v1/config/cameras", nil)
	wantStatus(t, "list", code, 200, body)
	if strings.Contains(string(body), "s3cret") || !strings.Contains(string(body), `"onvif":{"url":"http://cam:xxxxx@10.0.0.5/onvif/device_service","events":true}`) {
		t.Errorf("list: %s", body)
	}
	code, _, body = e.do(admin, "PUT", "/api/v1/config/cameras/front", map[string]any{"url": "rtsp://cam:xxxxx@10.0.0.5:554/main"})
	wantStatus(t, "change without the keys", code, 200, body)
	if c := fa.CameraSettings()[0]; c.SnapshotURL != "http://cam:s3cret@10.0.0.5/snap.jpg" || c.ONVIF == nil || c.ONVIF.URL != "http://cam:s3cret@10.0.0.5/onvif/device_service" {
		t.Errorf("after a change without them: %+v %+v", c, c.ONVIF)
	}
	code, _, body = e.do(admin, "PUT", "/api/v1/config/cameras/front", map[string]any{"url": "rtsp://cam:xxxxx@10.0.0.5:554/main",
		"onvif": map[string]any{"url": "http://cam:xxxxx@10.0.0.5/onvif/device_service", "events": false}})
	wantStatus(t, "change events", code, 200, body)
	if c := fa.CameraSettings()[0]; c.ONVIF == nil || c.ONVIF.Events || c.ONVIF.URL != "http://cam:s3cret@10.0.0.5/onvif/device_service" {
		t.Errorf("after turning events off: %+v", c.ONVIF)
	}
	code, _, body = e.do(admin, "PUT", "/api/v1/config/cameras/front", map[string]any{"url": "rtsp://cam:xxxxx@10.0.0.5:554/main", "onvif": nil, "snapshot_url": ""})
	wantStatus(t, "remove", code, 200, body)
	if c := fa.CameraSettings()[0]; c.ONVIF != nil || c.SnapshotURL != "" {
		t.Errorf("after removing: %+v", c)
	}
}
