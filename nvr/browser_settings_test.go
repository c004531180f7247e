package nvr_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// bearerStatus is the status of GET /api/v1/cameras with an API token.
func bearerStatus(t *testing.T, base, token string) int {
	t.Helper()
	req, err := http.NewRequest("GET", base+"/api/v1/cameras", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestBrowserSettings: an admin creates an API token in the Settings view, sees its secret once and the
// token listed, and revokes it, after which it no longer authenticates; a user added there logs in as a
// viewer and sees only the password form; a password changed there is the one that logs in.
func TestBrowserSettings(t *testing.T) {
	base, password := startNode(t)
	ctx := browserLogin(t, base, "admin", password)
	err := chromedp.Do(ctx,
		chromedp.Click(`header a[data-view=settings]`),
		chromedp.WaitVisible(`#token-form`),
		chromedp.SendKeys(`#token-form [name=name]`, "home-assistant"),
		chromedp.Click(`#token-form button[type=submit]`),
		chromedp.WaitVisible(`#token-new`),
		// The CLI's token is listed from the start: wait for the second row, the new token's.
		chromedp.WaitVisible(`#token-list tbody tr:nth-child(2) td.name`),
	)
	if err != nil {
		t.Fatalf("creating a token: %v", err)
	}
	secret := evalJS[string](t, ctx, `document.querySelector("#token-secret").textContent`)
	listed := evalJS[string](t, ctx, `document.querySelector("#token-list tbody").textContent`)
	if !strings.Contains(listed, "home-assistant") || strings.Contains(listed, secret) {
		t.Errorf("token list: got %q, want home-assistant listed without the secret", listed)
	}
	if code := bearerStatus(t, base, secret); code != http.StatusOK {
		t.Fatalf("new token: got status %d, want 200", code)
	}
	screenshot(t, ctx, "settings-token")

	// The list also holds the CLI's token (id cli): revoke the new one by its row.
	id := evalJS[string](t, ctx, `[...document.querySelectorAll("#token-list tbody tr")].find(r => r.querySelector(".name").textContent === "home-assistant").dataset.token`)
	row := `#token-list tr[data-token="` + id + `"]`
	evalJS[bool](t, ctx, `(window.confirm = () => true, true)`) // no dialog in a headless test
	err = chromedp.Do(ctx, chromedp.Click(row+` .token-revoke`), chromedp.WaitNotPresent(row))
	if err != nil {
		t.Fatalf("revoking the token: %v", err)
	}
	if ids := evalJS[[]string](t, ctx, `[...document.querySelectorAll("#token-list tbody tr")].map(r => r.dataset.token)`); len(ids) != 1 || ids[0] != "cli" {
		t.Errorf("after revoking: got tokens %q listed, want only cli", ids)
	}
	if code := bearerStatus(t, base, secret); code != http.StatusUnauthorized {
		t.Errorf("revoked token: got status %d, want 401", code)
	}

	// A viewer added in the form sees only the password form.
	err = chromedp.Do(ctx,
		chromedp.SendKeys(`#user-form [name=name]`, "nan"),
		chromedp.SetValue(`#user-form [name=role]`, "viewer"),
		chromedp.SendKeys(`#user-form [name=password]`, "viewer-password-1"),
		chromedp.Click(`#user-form button[type=submit]`),
		chromedp.WaitVisible(`#user-list tr[data-user=nan]`),
	)
	if err != nil {
		t.Fatalf("adding a user: %v", err)
	}
	if role := evalJS[string](t, ctx, `document.querySelector("#user-list tr[data-user=nan] .role").textContent`); role != "viewer" {
		t.Errorf("new user: got role %q, want viewer", role)
	}

	// The admin's password changes; the new one logs in, the old one does not.
	const newPassword = "a-new-password-42"
	err = chromedp.Do(ctx,
		chromedp.SendKeys(`#pw-form [name=old]`, password),
		chromedp.SendKeys(`#pw-form [name=new]`, newPassword),
		chromedp.SendKeys(`#pw-form [name=repeat]`, newPassword),
		chromedp.Click(`#pw-form button[type=submit]`),
	)
	if err != nil {
		t.Fatalf("changing the password: %v", err)
	}
	pollText(t, ctx, "#pw-status", "Password changed")
	screenshot(t, ctx, "settings-password")
	apiLogin(t, base, "admin", newPassword)
	old := &apiSession{t: t, base: base}
	if code, _, _ := old.do("POST", "/api/v1/login", map[string]string{"user": "admin", "password": password}); code != http.StatusUnauthorized {
		t.Errorf("old password: got status %d, want 401", code)
	}

	vctx := browserLogin(t, base, "nan", "viewer-password-1")
	if err := chromedp.Do(vctx, chromedp.Click(`header a[data-view=settings]`), chromedp.WaitVisible(`#pw-form`)); err != nil {
		t.Fatalf("viewer settings: %v", err)
	}
	hidden := evalJS[[]bool](t, vctx, `["#set-users", "#set-tokens"].map(s => document.querySelector(s).hidden)`)
	if len(hidden) != 2 || !hidden[0] || !hidden[1] {
		t.Errorf("viewer: got users, tokens hidden = %v, want both hidden", hidden)
	}
	screenshot(t, vctx, "settings-viewer")
}

// TestBrowserStorage: the Storage view lists the recording camera with footage on disk and its health,
// and draws the disk usage chart as an SVG path; the API answers with the filesystem and a history.
func TestBrowserStorage(t *testing.T) {
	base, password := startNode(t)
	ctx := browserLogin(t, base, "admin", password)
	err := chromedp.Do(ctx,
		chromedp.Click(`header a[data-view=storage]`),
		chromedp.WaitVisible(`#st-list tr[data-camera=front]`),
	)
	if err != nil {
		t.Fatalf("opening the storage view: %v", err)
	}
	// The view refreshes every 5 s; the first footage reaches the disk within a few seconds.
	used, err := chromedp.Run(ctx, chromedp.Poll[string](
		`(e => e && e.textContent !== "0 B" ? e.textContent : "")(document.querySelector("#st-list tr[data-camera=front] .bytes"))`,
		chromedp.WithPollingInterval(200*time.Millisecond)))
	if err != nil {
		t.Fatalf("waiting for footage on disk: %v", err)
	}
	row := evalJS[map[string]string](t, ctx, `Object.fromEntries([...document.querySelectorAll("#st-list tr[data-camera=front] td")].map(td => [td.className.split(" ")[0], td.textContent]))`)
	if row["state"] != "recording" || row["oldest"] == "–" || !strings.Contains(row["horizon"], "not known yet") {
		t.Errorf("front row: got %v, want recording, an oldest time and a horizon not known yet", row)
	}
	d := evalJS[string](t, ctx, `document.querySelector("#st-chart path.st-total").getAttribute("d")`)
	if !strings.HasPrefix(d, "M") || !strings.Contains(d, "L") {
		t.Errorf("chart: got total path %q, want a line (M ... L ...)", d)
	}
	disk := evalJS[string](t, ctx, `document.querySelector("#st-disk").textContent`)
	if !strings.Contains(disk, "free of") {
		t.Errorf("disk line: got %q, want the free and total space", disk)
	}
	t.Logf("front uses %s", used)
	screenshot(t, ctx, "storage")

	code, body, _ := apiLogin(t, base, "admin", password).do("GET", "/api/v1/storage", nil)
	var rep struct {
		Cameras []struct {
			Name  string
			Bytes int64
		}
		Filesystem struct{ Total, Free int64 }
		History    []struct{ Bytes int64 }
	}
	if err := json.Unmarshal(body, &rep); code != http.StatusOK || err != nil {
		t.Fatalf("GET /api/v1/storage: got %d, %v (%s); want 200 and JSON", code, err, body)
	}
	if len(rep.Cameras) != 1 || rep.Cameras[0].Bytes <= 0 || rep.Filesystem.Total <= 0 || len(rep.History) == 0 {
		t.Errorf("storage report: got %+v, want front with bytes, the filesystem size and a sample", rep)
	}
}
