package nvr_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/serviceworker"
	"github.com/chromedp/chromedp"

	"github.com/porchlight/porchlight/internal/testutil"
)

// evalAwait evaluates a JavaScript expression that returns a promise, and its value.
func evalAwait[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// call runs one DevTools command on the tab of ctx.
func call[P, R any](t *testing.T, ctx context.Context, c cdp.Command[P, R], p P) R {
	t.Helper()
	r, err := chromedp.Run(ctx, func(ctx context.Context, tg *chromedp.Target) (R, error) { return cdp.Call(ctx, tg, c, p) })
	if err != nil {
		t.Fatalf("%s: %v", c.Method, err)
	}
	return r
}

// TestBrowserPush, in headless Chromium on the node's http://127.0.0.1 origin (a secure context): the
// page links a manifest that parses as JSON and is installable; the service worker registers with the
// app's scope; Settings → "Notifications on this device" says it is off, with requests chosen by default.
// Headless Chromium has no push service, so a subscription cannot be made here (and none is faked):
// Enable says the browser refused or failed, and the node holds no subscription. A push that DevTools
// delivers to the service worker is shown as a notification with the payload's title, body and view.
func TestBrowserPush(t *testing.T) {
	base, password := startNode(t)
	ctx := browserLogin(t, base, "admin", password)

	// The manifest's URLs are relative to it (they hold under http.base_path): the browser resolves them.
	manifest := evalAwait[map[string]any](t, ctx, `(async () => {
		const href = document.querySelector("link[rel=manifest]").href;
		const m = await (await fetch(href)).json();
		m.start_url = new URL(m.start_url, href).href;
		return m;
	})()`)
	if manifest["name"] != "Porchlight" || manifest["display"] != "standalone" || manifest["start_url"] != base+"/#/live" {
		t.Errorf("manifest = %v", manifest)
	}
	testutil.WaitForState(t, 20*time.Second, "the service worker active", func() (bool, string) {
		scope := evalAwait[string](t, ctx, `navigator.serviceWorker.getRegistration().then(r => r && r.active ? r.scope : "")`)
		return scope == base+"/", scope
	})

	err := chromedp.Do(ctx, chromedp.Click(`header a[data-view=settings]`), chromedp.WaitVisible(`#push-enable`))
	if err != nil {
		t.Fatalf("settings: %v", err)
	}
	state := evalJS[string](t, ctx, `document.querySelector("#push-state").textContent`)
	checked := evalJS[[]string](t, ctx, `[...document.querySelectorAll("#push-events input:checked")].map(b => b.name)`)
	if !strings.HasPrefix(state, "Off") || fmt.Sprint(checked) != "[request]" {
		t.Errorf("push settings say %q with %v checked, want Off with [request]", state, checked)
	}
	screenshot(t, ctx, "settings-push")

	// Enable: with the permission denied, and then granted (DevTools), headless Chromium's missing push
	// service refuses the subscription; the page says so and the node holds none.
	for _, grant := range []bool{false, true} {
		if grant {
			call(t, ctx, cdpbrowser.SetPermission, cdpbrowser.SetPermissionParams{Permission: &cdpbrowser.PermissionDescriptor{Name: "notifications"},
				Setting: cdpbrowser.PermissionSettingGranted, Origin: base})
		}
		evalJS[bool](t, ctx, `(document.querySelector("#push-error").hidden = true, true)`)
		if err := chromedp.Do(ctx, chromedp.Click(`#push-enable`), chromedp.WaitVisible(`#push-error`)); err != nil {
			t.Fatalf("enable (permission granted %v): %v", grant, err)
		}
		msg := evalJS[string](t, ctx, `document.querySelector("#push-error").textContent`)
		t.Logf("enable with permission granted %v: %s", grant, msg)
		if msg == "" {
			t.Error("enable failed without saying why")
		}
		subs := evalAwait[[]any](t, ctx, `fetch("/api/v1/push/subscriptions").then(r => r.json())`)
		if len(subs) != 0 {
			t.Errorf("the node holds %v though the browser could not subscribe", subs)
		}
	}

	// A push delivered to the service worker (as the push service would, minus the encryption the browser
	// undoes) is shown as a notification.
	var mu sync.Mutex
	var regs []*serviceworker.Registration
	if err := chromedp.Listen(ctx, func(ev any) {
		if e, ok := ev.(*serviceworker.EventWorkerRegistrationUpdated); ok {
			mu.Lock()
			regs = append(regs, e.Registrations...)
			mu.Unlock()
		}
	}); err != nil {
		t.Fatal(err)
	}
	call(t, ctx, serviceworker.Enable, cdp.Empty{})
	var regID serviceworker.RegistrationID
	testutil.WaitFor(t, 10*time.Second, "the service worker's registration ID", func() bool {
		mu.Lock()
		defer mu.Unlock()
		for _, r := range regs {
			if r.ScopeURL == base+"/" && !r.IsDeleted {
				regID = r.RegistrationID
			}
		}
		return regID != ""
	})
	payload, _ := json.Marshal(map[string]any{"id": "n1", "type": "motion", "title": "Motion: front",
		"body": "Motion on front at 12:00:01", "url": "https://nvr.example/#/events?camera=front&event=7"})
	u, _ := url.Parse(base)
	call(t, ctx, serviceworker.DeliverPushMessage, serviceworker.DeliverPushMessageParams{Origin: u.Scheme + "://" + u.Host,
		RegistrationID: regID, Data: string(payload)})
	testutil.WaitForState(t, 10*time.Second, "the notification shown", func() (bool, string) {
		ns := evalAwait[[][]string](t, ctx, `navigator.serviceWorker.ready.then(r => r.getNotifications()).then(ns => ns.map(n => [n.title, n.body, n.tag, n.data.url]))`)
		want := []string{"Motion: front", "Motion on front at 12:00:01", "n1", "https://nvr.example/#/events?camera=front&event=7"}
		return len(ns) == 1 && fmt.Sprint(ns[0]) == fmt.Sprint(want), fmt.Sprint(ns)
	})
}

// TestBrowserPushNeedsSecureContext: the same page over plain http from a name other than localhost (a
// LAN address, as a phone would use) is no secure context: no service worker registers, and Settings says
// plainly that push needs https, offering no button that cannot work.
func TestBrowserPushNeedsSecureContext(t *testing.T) {
	base, password := startNode(t)
	u, _ := url.Parse(base)
	ctx := browser(t, chromedp.Flag("host-resolver-rules", "MAP porch.test 127.0.0.1"))
	lan := "http://porch.test:" + u.Port()
	if err := chromedp.Do(ctx, chromedp.Navigate(lan)); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	err := chromedp.Do(ctx,
		chromedp.WaitVisible("#login-form"),
		chromedp.SetValue(`#login-form [name=password]`, password),
		chromedp.Click(`#login-form button[type=submit]`),
		chromedp.WaitVisible("#top"),
		chromedp.Click(`header a[data-view=settings]`),
		chromedp.WaitVisible(`#push-state`),
	)
	if err != nil {
		t.Fatalf("settings over %s: %v", lan, err)
	}
	if evalJS[bool](t, ctx, `window.isSecureContext || "serviceWorker" in navigator`) {
		t.Fatal("the page over http://porch.test is a secure context: the test cannot check the message")
	}
	state := evalJS[string](t, ctx, `document.querySelector("#push-state").textContent`)
	if !strings.Contains(state, "plain http from porch.test:"+u.Port()) || !strings.Contains(state, "https") {
		t.Errorf("push settings say %q, want why: plain http, push needs https", state)
	}
	if evalJS[bool](t, ctx, `!document.querySelector("#push-enable").hidden || !document.querySelector("#push-events").disabled`) {
		t.Error("an Enable button or the type choices are offered though push cannot work")
	}
	screenshot(t, ctx, "settings-push-insecure")
}
