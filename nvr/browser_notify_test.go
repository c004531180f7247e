package nvr_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/porchlight/porchlight/internal/testutil"
	"github.com/porchlight/porchlight/nvr"
	"github.com/porchlight/porchlight/nvr/notify/notifytest"
)

// TestBrowserNotifySettings: on a phone-sized screen, an admin adds an email channel in Settings →
// Notifications (its password typed once), sends a test that a real SMTP server receives, edits it (the
// password field stays empty: the stored one is kept and never shown), gives it to a viewer, who then
// chooses its events in "My notifications", and deletes it.
func TestBrowserNotifySettings(t *testing.T) {
	smtp := notifytest.StartSMTP(t, "starttls")
	res, err := nvr.Init(t.TempDir(), nvr.RoleHousehold, "Elm Street 12")
	if err != nil {
		t.Fatal(err)
	}
	base, password := runInitNode(t, res, nil)
	tokB, _ := os.ReadFile(filepath.Join(res.DataDir, "api.token"))
	tok := strings.TrimSpace(string(tokB))
	if code, body := apiJSON(t, base, tok, "POST", "/api/v1/users", map[string]any{"name": "dana", "role": "viewer",
		"password": "dana-password-1"}); code != 201 {
		t.Fatalf("add viewer: %d %s", code, body)
	}
	ctx := browserLogin(t, base, "admin", password)
	setField := func(sel, v string) chromedp.Action[chromedp.Void] { // sets a value as typing would: input and change fire
		b, _ := json.Marshal(v)
		return chromedp.Evaluate[chromedp.Void](`(e => { e.value = ` + string(b) + `; e.dispatchEvent(new Event("input")); e.dispatchEvent(new Event("change")); })(document.querySelector("` + sel + `"))`)
	}
	f := "#notify-form "
	err = chromedp.Do(ctx,
		chromedp.EmulateViewport(390, 844),
		chromedp.Click(`header a[data-view=settings]`),
		chromedp.WaitVisible(`#set-notify`),
		chromedp.WaitVisible(`#notify-none`),
		chromedp.Click(`#notify-add`),
		chromedp.WaitVisible(f+`[name=name]`),
		chromedp.SendKeys(f+`[name=name]`, "mail"),
		setField(f+`[name=type]`, "email"),
		chromedp.WaitVisible(f+`[name=smtp]`),
		chromedp.SendKeys(f+`[name=smtp]`, smtp.Addr),
		chromedp.SendKeys(f+`[name=username]`, smtp.User),
		chromedp.SendKeys(f+`[name=secret]`, smtp.Password),
		chromedp.SendKeys(f+`[name=from]`, "nvr@example.org"),
		chromedp.SendKeys(f+`[name=to]`, "owner@example.org"),
		chromedp.SendKeys(f+`[name=ca_file]`, smtp.CAFile()),
		chromedp.Click(f+`input[name=event][value=motion]`),
		setField(f+`[name=quiet_from]`, "22:00"),
		setField(f+`[name=quiet_to]`, "07:00"),
	)
	if err != nil {
		t.Fatalf("filling the form: %v", err)
	}
	if label := evalJS[string](t, ctx, `document.querySelector("#notify-secret-label").textContent`); label != "SMTP password" {
		t.Errorf("secret label for email = %q", label)
	}
	if w := evalJS[float64](t, ctx, `document.documentElement.scrollWidth - window.innerWidth`); w > 0 {
		t.Errorf("the form is %v px wider than a phone's screen", w)
	}
	screenshot(t, ctx, "notify-form-phone")
	item := `#notify-list li[data-channel=mail]`
	err = chromedp.Do(ctx,
		chromedp.Click(f+`button[type=submit]`),
		chromedp.WaitVisible(item),
		chromedp.WaitNotVisible(`#notify-form`),
		chromedp.Click(item+` .nf-test`),
		chromedp.WaitVisible(item+` .nf-result.ok`),
	)
	if err != nil {
		t.Fatalf("saving and testing: %v (error shown: %q)", err, evalJS[string](t, ctx, `document.querySelector("#notify-error").textContent`))
	}
	testutil.WaitFor(t, 10*time.Second, "the test mail", func() bool { return len(smtp.Mails(t)) == 1 })
	if what := evalJS[string](t, ctx, `document.querySelector("`+item+` .nf-what").textContent`); what != "request, alert, camera, disk, member · quiet 22:00-07:00" {
		t.Errorf("listed as %q", what)
	}
	screenshot(t, ctx, "notify-list-phone")

	// Edit: the stored password is not shown; the channel goes to dana; the password still works.
	err = chromedp.Do(ctx,
		chromedp.Click(item+` .nf-edit`),
		chromedp.WaitVisible(f+`[name=smtp]`),
	)
	if err != nil {
		t.Fatal(err)
	}
	if v := evalJS[[]string](t, ctx, `[document.querySelector("#notify-form [name=secret]").value, document.querySelector("#notify-form [name=secret]").placeholder, document.querySelector("#notify-form [name=smtp]").value]`); v[0] != "" || !strings.Contains(v[1], "stored") || v[2] != smtp.Addr {
		t.Errorf("edit form: secret %q, placeholder %q, smtp %q", v[0], v[1], v[2])
	}
	if strings.Contains(evalJS[string](t, ctx, `document.documentElement.outerHTML`), smtp.Password) {
		t.Error("the page holds the SMTP password")
	}
	err = chromedp.Do(ctx,
		setField(f+`[name=user]`, "dana"),
		chromedp.Click(f+`button[type=submit]`),
		chromedp.WaitNotVisible(`#notify-form`),
		chromedp.WaitVisible(item+` .nf-head`),
	)
	if err != nil {
		t.Fatal(err)
	}
	code, body := apiJSON(t, base, tok, "POST", "/api/v1/notify/channels/mail/test", nil)
	_, list := apiJSON(t, base, tok, "GET", "/api/v1/notify/channels", nil)
	if code != 204 || !strings.Contains(string(list), `"user":"dana"`) {
		t.Errorf("after the edit: test %d %s; channels %s", code, body, list)
	}

	// The viewer chooses what notifies them on their channel.
	vctx := browserLogin(t, base, "dana", "dana-password-1")
	mine := `#mine-list form[data-channel=mail]`
	err = chromedp.Do(vctx,
		chromedp.EmulateViewport(390, 844),
		chromedp.Click(`header a[data-view=settings]`),
		chromedp.WaitVisible(mine),
		chromedp.Click(mine+` input[value=alert]`),
		chromedp.Click(mine+` button[type=submit]`),
		chromedp.WaitVisible(mine+` p.ok`),
	)
	if err != nil {
		t.Fatalf("viewer's choice: %v", err)
	}
	if evalJS[bool](t, vctx, `!document.querySelector("#set-notify").hidden`) {
		t.Error("the viewer sees the admins' channel list")
	}
	_, list = apiJSON(t, base, tok, "GET", "/api/v1/notify/channels", nil)
	if !strings.Contains(string(list), `"events":["request","camera","disk","member"]`) {
		t.Errorf("after the viewer's choice: %s", list)
	}
	screenshot(t, vctx, "notify-mine-phone")

	evalJS[bool](t, ctx, `(window.confirm = () => true, true)`)
	err = chromedp.Do(ctx, chromedp.Click(item+` .nf-delete`), chromedp.WaitNotPresent(item), chromedp.WaitVisible(`#notify-none`))
	if err != nil {
		t.Fatalf("deleting: %v", err)
	}
}
