package nvr_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/porchlight/porchlight/internal/testutil"
	"github.com/porchlight/porchlight/nvr"
	"github.com/porchlight/porchlight/recorder/mediatest"
)

// startNode runs a node recording an in-process camera, with the config init writes; it returns the
// UI's base URL and the admin password.
func startNode(t testing.TB) (string, string) {
	t.Helper()
	return startNamedNode(t, "Elm Street 12")
}

// startNamedNode is startNode for a household with the given name (its name in neighborhoods).
func startNamedNode(t testing.TB, name string) (string, string) {
	t.Helper()
	cam := startClipCamera(t, nil)
	dir := t.TempDir()
	res, err := nvr.Init(dir, nvr.RoleHousehold, name)
	if err != nil {
		t.Fatal(err)
	}
	return runInitNode(t, res, func(b []byte) []byte {
		return regexp.MustCompile(`(?m)^cameras: \[\]`).ReplaceAll(b, []byte(fmt.Sprintf("cameras:\n  - name: front\n    url: %s\n", cam.URL())))
	})
}

// runInitNode runs the node `porchlight init` made in-process until the test ends, its config edited (when
// edit is not nil), HTTP on a free port and libp2p on 127.0.0.1; it returns the UI's base URL and the admin
// password.
func runInitNode(t testing.TB, res *nvr.InitResult, edit func([]byte) []byte) (string, string) {
	t.Helper()
	b, _ := os.ReadFile(res.ConfigPath)
	if edit != nil {
		b = edit(b)
	}
	b = regexp.MustCompile(`listen: 127\.0\.0\.1:7480`).ReplaceAll(b, []byte("listen: 127.0.0.1:0"))
	if err := os.WriteFile(res.ConfigPath, nvr.LocalP2P(b), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := nvr.Load(res.ConfigPath)
	if err != nil {
		t.Fatal(err)
	}
	n, err := nvr.NewNode(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- n.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	return "http://" + n.HTTPAddr(), res.AdminPassword
}

// browser starts headless Chromium (Debian's) with the flags that keep it off the network, and extra.
func browser(t testing.TB, extra ...chromedp.ExecAllocatorOption) context.Context {
	t.Helper()
	mediatest.Require(t, "/usr/bin/chromium")
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath("/usr/bin/chromium"), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.NoFirstRun, chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 800),
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.Flag("autoplay-policy", "no-user-gesture-required"),
	}
	opts = append(opts, extra...)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	return ctx
}

// browserLogin opens the app in a new browser and logs in; the returned context times out after 90 s.
func browserLogin(t testing.TB, base, user, password string) context.Context {
	t.Helper()
	ctx := browser(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(base)); err != nil { // starts the browser: no timeout here
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(cancel)
	err := chromedp.Do(ctx,
		chromedp.WaitVisible("#login-form"),
		chromedp.SetValue(`#login-form [name=user]`, user),
		chromedp.SetValue(`#login-form [name=password]`, password),
		chromedp.Click(`#login-form button[type=submit]`),
		chromedp.WaitVisible("#top"),
	)
	if err != nil {
		t.Fatalf("logging in as %s: %v", user, err)
	}
	return ctx
}

func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	path := filepath.Join(t.ArtifactDir(), name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot %s", path)
}

// TestBrowserLoginAndLive logs in with a real Chromium (a wrong password first) and checks that the live
// video of the camera plays: its currentTime advances and no error is shown.
func TestBrowserLoginAndLive(t *testing.T) {
	base, password := startNode(t)
	ctx := browser(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(base)); err != nil { // starts the browser: no timeout here
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()

	err := chromedp.Do(ctx,
		chromedp.WaitVisible("#login-form"),
		chromedp.SendKeys(`#login-form [name=password]`, "not the password"),
		chromedp.Click(`#login-form button[type=submit]`),
		chromedp.WaitVisible("#login-error"),
	)
	if err != nil {
		t.Fatal(err)
	}
	loginErr, err := chromedp.Run(ctx, chromedp.Text("#login-error"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(loginErr, "Wrong user name or password") {
		t.Errorf("wrong password: got %q", loginErr)
	}
	screenshot(t, ctx, "login-error")

	err = chromedp.Do(ctx,
		chromedp.SetValue(`#login-form [name=password]`, password),
		chromedp.Click(`#login-form button[type=submit]`),
		chromedp.WaitVisible("#grid video"),
	)
	if err != nil {
		t.Fatalf("after logging in: %v", err)
	}
	// Playing: currentTime advances past 1 s, without an error message on the tile.
	var played float64
	playing := func() bool {
		if played, err = chromedp.Run(ctx, chromedp.Evaluate[float64](`document.querySelector("#grid video").currentTime`)); err != nil {
			t.Fatal(err)
		}
		return played >= 1
	}
	testutil.Poll(20*time.Second, playing)
	msg, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(m => m.hidden ? "" : m.textContent)(document.querySelector("#grid .message"))`))
	if err != nil {
		t.Fatal(err)
	}
	if played < 1 || msg != "" {
		t.Fatalf("live video: currentTime %.2f, message %q; want it playing", played, msg)
	}
	screenshot(t, ctx, "live")

	// A click on the tile shows that camera alone, bookmarkable; it plays there too.
	if err := chromedp.Do(ctx, chromedp.Click("#grid video"), chromedp.WaitVisible("#grid.single video")); err != nil {
		t.Fatalf("single-camera view: %v", err)
	}
	if hash, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`location.hash`)); hash != "#/live?camera=front" {
		t.Errorf("single-camera URL: got %q, want #/live?camera=front", hash)
	}
	if !testutil.Poll(20*time.Second, playing) {
		t.Fatalf("single-camera view: currentTime %.2f, want it playing", played)
	}
	screenshot(t, ctx, "live-single")
}
