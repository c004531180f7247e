package nvr_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/porchlight/porchlight/internal/testutil"
	"github.com/porchlight/porchlight/recorder/democam"
)

// apiSession is a logged-in API client: the session cookie and its CSRF token.
type apiSession struct {
	t      *testing.T
	base   string
	cookie *http.Cookie
	csrf   string
}

func apiLogin(t *testing.T, base, user, password string) *apiSession {
	t.Helper()
	s := &apiSession{t: t, base: base}
	code, body, resp := s.do("POST", "/api/v1/login", map[string]string{"user": user, "password": password})
	if code != http.StatusOK {
		t.Fatalf("login %s: got status %d, want 200 (%s)", user, code, body)
	}
	var info struct{ CSRF string }
	if err := json.Unmarshal(body, &info); err != nil {
		t.Fatal(err)
	}
	s.csrf = info.CSRF
	for _, c := range resp.Cookies() {
		if c.Name == "porchlight_session" {
			s.cookie = c
		}
	}
	if s.cookie == nil {
		t.Fatalf("login %s: no session cookie", user)
	}
	return s
}

// do sends a JSON request (body nil: none) and returns the status and the answer.
func (s *apiSession) do(method, path string, body any) (int, []byte, *http.Response) {
	s.t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			s.t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, s.base+path, rd)
	if err != nil {
		s.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if s.cookie != nil {
		req.AddCookie(s.cookie)
		req.Header.Set("X-CSRF-Token", s.csrf)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		s.t.Fatal(err)
	}
	return resp.StatusCode, b, resp
}

// pollText waits until the text of sel contains want and returns it; it fails the test after 30 s.
func pollText(t *testing.T, ctx context.Context, sel, want string) string {
	t.Helper()
	js := `(e => e && !e.hidden && e.textContent.includes(` + jsString(want) + `) ? e.textContent : "")(document.querySelector(` + jsString(sel) + `))`
	got, err := chromedp.Run(ctx, chromedp.Poll[string](js, chromedp.WithPollingInterval(100*time.Millisecond)))
	if err != nil {
		last, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`(e => e ? e.textContent : "(none)")(document.querySelector(`+jsString(sel)+`))`))
		t.Fatalf("waiting for %s to show %q: %v; it shows %q", sel, want, err, last)
	}
	return got
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// TestBrowserCameras adds a camera through the Cameras view: "Test connection" shows what a second
// in-process camera sends, and a refused URL shows the probe's error; after Save the camera records and
// the config lists it with its password masked. A viewer sees no way to change cameras and the API
// refuses them.
func TestBrowserCameras(t *testing.T) {
	base, password := startNode(t)
	cam := &democam.Server{Addr: "127.0.0.1:0", User: "porch", Pass: "s3cret-pw"}
	if err := cam.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cam.Close)
	ctx := browserLogin(t, base, "admin", password)
	err := chromedp.Do(ctx,
		chromedp.WaitVisible(`header a[data-view=cameras]`),
		chromedp.Click(`header a[data-view=cameras]`),
		chromedp.WaitVisible(`#cam-list tr[data-camera=front]`),
		chromedp.Click(`#cam-add`),
		chromedp.WaitVisible(`#cam-form`),
		chromedp.SendKeys(`#cam-form [name=name]`, "side"),
		chromedp.SendKeys(`#cam-form [name=url]`, cam.URL()),
		chromedp.Click(`#cam-test`),
	)
	if err != nil {
		t.Fatalf("opening the form: %v", err)
	}
	probe := pollText(t, ctx, "#cam-probe", "H264 640x360")
	if !strings.Contains(probe, "audio AAC 48 kHz mono") {
		t.Errorf("probe result: got %q, want the audio AAC 48 kHz mono too", probe)
	}
	screenshot(t, ctx, "cameras-probe")

	if err := chromedp.Do(ctx, chromedp.Click(`#cam-save`), chromedp.WaitNotVisible(`#cam-form`)); err != nil {
		t.Fatalf("saving: %v", err)
	}
	pollText(t, ctx, `#cam-list tr[data-camera=side] .state`, "recording")
	pollText(t, ctx, `#cam-list tr[data-camera=side] .bitrate`, "Mbit/s") // measured over 5 s of frames
	screenshot(t, ctx, "cameras")

	admin := apiLogin(t, base, "admin", password)
	code, body, _ := admin.do("GET", "/api/v1/config/cameras", nil)
	if code != 200 || !strings.Contains(string(body), `"name":"side","url":"rtsp://porch:xxxxx@`) || strings.Contains(string(body), "s3cret-pw") {
		t.Errorf("config cameras: got %d %s, want side with its password masked", code, body)
	}

	// Editing through the API with the masked URL keeps the password: disabled, then enabled, it records.
	masked := strings.Replace(cam.URL(), "s3cret-pw", "xxxxx", 1)
	for _, want := range []struct {
		enabled bool
		state   string
	}{{false, "disabled"}, {true, "recording"}} {
		code, body, _ := admin.do("PUT", "/api/v1/config/cameras/side", map[string]any{"url": masked, "enabled": want.enabled})
		if code != http.StatusOK {
			t.Fatalf("PUT side enabled=%v: got status %d, want 200 (%s)", want.enabled, code, body)
		}
		waitState(t, admin, "side", want.state)
	}

	// A refused URL: the probe's error is shown. An http URL: Save shows the config's key-naming message.
	err = chromedp.Do(ctx,
		chromedp.Click(`#cam-add`),
		chromedp.WaitVisible(`#cam-form`),
		chromedp.SendKeys(`#cam-form [name=name]`, "bad"),
		chromedp.SendKeys(`#cam-form [name=url]`, "rtsp://127.0.0.1:1/x"),
		chromedp.Click(`#cam-test`),
	)
	if err != nil {
		t.Fatal(err)
	}
	pollText(t, ctx, "#cam-probe.error", "connection refused")
	screenshot(t, ctx, "cameras-probe-error")
	err = chromedp.Do(ctx, chromedp.SetValue(`#cam-form [name=url]`, "http://127.0.0.1/x"), chromedp.Click(`#cam-save`))
	if err != nil {
		t.Fatal(err)
	}
	pollText(t, ctx, "#cam-error", "cameras[2].url: scheme must be rtsp or rtsps")
	if err := chromedp.Do(ctx, chromedp.Click(`#cam-cancel`)); err != nil {
		t.Fatal(err)
	}

	// A viewer: no add or edit buttons, and the API refuses changes.
	code, body, _ = admin.do("POST", "/api/v1/users", map[string]string{"name": "guest", "role": "viewer", "password": "guest-password-1"})
	if code != http.StatusCreated {
		t.Fatalf("adding a viewer: got status %d, want 201 (%s)", code, body)
	}
	viewer := apiLogin(t, base, "guest", "guest-password-1")
	if code, body, _ := viewer.do("POST", "/api/v1/config/cameras", map[string]string{"name": "x", "url": "rtsp://127.0.0.1/x"}); code != http.StatusForbidden {
		t.Errorf("viewer adds a camera: got status %d, want 403 (%s)", code, body)
	}
	if code, body, _ := viewer.do("DELETE", "/api/v1/config/cameras/side", nil); code != http.StatusForbidden {
		t.Errorf("viewer deletes a camera: got status %d, want 403 (%s)", code, body)
	}
	err = chromedp.Do(ctx,
		chromedp.Click(`#logout`),
		chromedp.WaitVisible("#login-form"),
		chromedp.SetValue(`#login-form [name=user]`, "guest"),
		chromedp.SetValue(`#login-form [name=password]`, "guest-password-1"),
		chromedp.Click(`#login-form button[type=submit]`),
		chromedp.WaitVisible(`header a[data-view=cameras]`),
		chromedp.Click(`header a[data-view=cameras]`),
		chromedp.WaitVisible(`#cam-list tr[data-camera=side]`),
	)
	if err != nil {
		t.Fatalf("viewer: %v", err)
	}
	canEdit, err := chromedp.Run(ctx, chromedp.Evaluate[bool](
		`!document.querySelector("#cam-add").hidden || !!document.querySelector("#cam-list .cam-edit")`))
	if err != nil {
		t.Fatal(err)
	}
	if canEdit {
		t.Errorf("viewer: got an Add camera or Edit button, want none")
	}
	screenshot(t, ctx, "cameras-viewer")
}

// waitState polls GET /api/v1/cameras until the main stream of camera is in state; it fails the test
// after 20 s.
func waitState(t *testing.T, s *apiSession, camera, state string) {
	t.Helper()
	testutil.WaitForState(t, 20*time.Second, "camera "+camera+" "+state, func() (bool, string) {
		_, body, _ := s.do("GET", "/api/v1/cameras", nil)
		var cams []struct {
			Name, Stream, State string
			LastError           string `json:"last_error"`
		}
		if err := json.Unmarshal(body, &cams); err != nil {
			t.Fatalf("cameras: %v (%s)", err, body)
		}
		for _, c := range cams {
			if c.Name == camera && c.Stream == "main" {
				return c.State == state, c.State + " (" + c.LastError + ")"
			}
		}
		return false, "(not listed)"
	})
}
