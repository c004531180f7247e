package nvr_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/porchlight/porchlight/nvr"
	"github.com/porchlight/porchlight/recorder/mediatest"
)

// TestBrowserAgency drives an agency request through both sides' web pages, each node in its own
// Chromium: the home places its camera in the camera editor (location and view); the agency, admitted
// to the home's hood with a scope, posts a request from its console's form (after a click on the map);
// the home sees it in its inbox with the nav badge and approves a trimmed clip from the page; the
// agency's console lists the submission, plays it and shows its chain of custody.
func TestBrowserAgency(t *testing.T) {
	mediatest.Require(t, "ffprobe")
	const lat, lon = 40.7128, -74.0060
	baseH, passwordH := startNamedNode(t, "Elm Street 12")
	baseA, passwordA := startAgencyNode(t, "Metro PD")
	apiH, apiA := apiLogin(t, baseH, "admin", passwordH), apiLogin(t, baseA, "admin", passwordA)

	// The home founds a hood on its Neighborhood page and invites the agency with a scope of 2 km.
	home := agencyBrowserLogin(t, baseH, passwordH)
	err := chromedp.Do(home,
		chromedp.Evaluate[chromedp.Void](`location.hash = "#/hood"`),
		chromedp.WaitVisible("#hood-create-name"),
		chromedp.SetValue("#hood-create-name", "Elm Street"),
		chromedp.Click("#hood-create"),
		chromedp.WaitVisible("#invite-create"),
	)
	if err != nil {
		t.Fatalf("create a hood: %v", err)
	}
	code := agencyInviteOnPage(t, home, map[string]string{"#scope-lat": fmt.Sprint(lat), "#scope-lon": fmt.Sprint(lon),
		"#scope-radius": "2000", "#scope-window": "6h"})
	if status, body, _ := apiA.do("POST", "/api/v1/hoods/join", map[string]string{"code": code}); status != http.StatusOK {
		t.Fatalf("the agency joins with the code from the page: got status %d (%s), want 200", status, body)
	}
	var dir []struct {
		Name, Hood string
		Radius     float64
		MaxWindow  string `json:"max_window"`
	}
	if _, body, _ := apiA.do("GET", "/api/v1/agencies", nil); json.Unmarshal(body, &dir) != nil || len(dir) != 1 ||
		dir[0].Name != "Metro PD" || dir[0].Radius != 2000 || dir[0].MaxWindow != "6h0m0s" {
		t.Errorf("agency directory: got %s, want Metro PD with the scope of 2000 m and a 6h window from the invite form", body)
	}

	// The home places its camera: facing east, 120° wide, 40 m deep.
	err = chromedp.Do(home,
		chromedp.Evaluate[chromedp.Void](`location.hash = "#/cameras"`),
		chromedp.Click(`#cam-list tr[data-camera="front"] .cam-edit`),
		chromedp.WaitVisible("#cam-form"),
		chromedp.SetValue(`#cam-form [name=lat]`, fmt.Sprint(lat)),
		chromedp.SetValue(`#cam-form [name=lon]`, fmt.Sprint(lon)),
		chromedp.SetValue(`#cam-form [name=radius]`, "40"),
		chromedp.SetValue(`#cam-form [name=direction]`, "90"),
		chromedp.SetValue(`#cam-form [name=fov]`, "120"),
		chromedp.Click("#cam-save"),
		chromedp.WaitNotVisible("#cam-form"),
	)
	if err != nil {
		t.Fatalf("place the camera: %v", err)
	}
	_, body, _ := apiH.do("GET", "/api/v1/config/cameras", nil)
	if !regexp.MustCompile(`"location":\{"lat":40.7128,"lon":-74.006,"radius":40,"direction":90,"fov":120\}`).Match(body) {
		t.Errorf("camera config after the editor: got %s, want front's location with radius 40, direction 90, fov 120", body)
	}
	spanStart, spanEnd := latestSpan(t, apiH, "front", 8*time.Second)
	// Headless Chromium shows no notifications, so the page's Notification is a recorder that reports
	// permission granted: what is checked is that the page raises one for a matching request, with what.
	evalJS[bool](t, home, `window.notified = [];
		window.Notification = class {
			constructor(title, opts) { window.notified.push({title, body: opts.body, tag: opts.tag}); }
			static get permission() { return "granted"; }
		};
		true`)

	// The agency posts a request from its console.
	agency := agencyBrowserLogin(t, baseA, passwordA)
	err = chromedp.Do(agency,
		chromedp.WaitVisible("#nav-agency"),
		chromedp.Click("#nav-agency"),
		chromedp.WaitVisible("#ar-form"),
	)
	if err != nil {
		t.Fatalf("open the agency console: %v", err)
	}
	waitJS(t, agency, "the scope on the console's map", `!!document.querySelector("#ar-map circle.scope")`)
	if err := chromedp.Do(agency, chromedp.Click("#ar-map svg")); err != nil { // its centre: the scope's centre
		t.Fatal(err)
	}
	picked := evalJS[[]float64](t, agency, `[+document.querySelector("#ar-lat").value, +document.querySelector("#ar-lon").value]`)
	if len(picked) != 2 || abs(picked[0]-lat) > 0.01 || abs(picked[1]-lon) > 0.01 {
		t.Errorf("a click on the map: got lat, lon %v, want near %v, %v", picked, lat, lon)
	}
	const local = "2006-01-02T15:04:05" // a datetime-local value; the browser and the test share a zone
	winStart, winEnd := spanStart.Truncate(time.Second), spanEnd.Truncate(time.Second)
	// The fields are filled in one script (as a person would, before posting), not one DevTools call each:
	// under load a node handle could go stale between the calls.
	fill := map[string]string{"#ar-case": "24-1187", "#ar-category": "burglary",
		"#ar-reason": "Break-in at number 12; looking for people on foot", "#ar-contact": "Det. Ruiz, 555-0100",
		"#ar-lat": fmt.Sprint(lat), "#ar-lon": fmt.Sprint(lon), "#ar-radius": "100",
		"#ar-start": winStart.In(time.Local).Format(local), "#ar-end": winEnd.In(time.Local).Format(local)}
	filled := evalJS[bool](t, agency, `(f => Object.entries(f).every(([sel, v]) => {
		const el = document.querySelector(sel);
		if (!el) return false;
		el.value = v;
		el.dispatchEvent(new Event("input", {bubbles: true}));
		return el.value === v;
	}))(`+jsonOf(t, fill)+`)`)
	if !filled {
		t.Fatal("a field of the request form did not take its value")
	}
	err = chromedp.Do(agency, chromedp.Click("#ar-post"))
	if err != nil {
		t.Fatalf("post the request: %v", err)
	}
	reqID := waitJS(t, agency, "the request in the console's list", `(tr => tr ? tr.dataset.id : "")(
		[...document.querySelectorAll("#ar-list tbody tr")].find(tr => tr.textContent.includes("24-1187")))`)
	if msg := evalJS[string](t, agency, `document.querySelector("#ar-error").textContent`); msg != "" {
		t.Errorf("#ar-error: got %q, want none", msg)
	}
	screenshot(t, agency, "agency-posted")

	// The home: the badge counts it, the inbox shows it with the matching camera; approve 4 s of it.
	pollText(t, home, "#req-badge", "1")
	type shown struct{ Title, Body, Tag string }
	if got := evalJS[[]shown](t, home, `window.notified`); len(got) != 1 || got[0].Tag != reqID ||
		!strings.Contains(got[0].Title, "Metro PD") || !strings.Contains(got[0].Body, "24-1187") {
		t.Errorf("notifications raised by the home's page: got %+v, want one for %s from Metro PD, case 24-1187", got, reqID)
	}
	if err := chromedp.Do(home, chromedp.Click("#nav-requests")); err != nil {
		t.Fatal(err)
	}
	item := fmt.Sprintf(`#req-inbox li[data-id=%q]`, reqID)
	waitJS(t, home, "the request in the home's inbox", `!!document.querySelector(`+jsString(item)+`)`)
	got := evalJS[string](t, home, `document.querySelector(`+jsString(item)+`).textContent`)
	for _, want := range []string{"new", "Metro PD", "24-1187", "Break-in at number 12", "Det. Ruiz", "front"} {
		if !strings.Contains(got, want) {
			t.Errorf("inbox item: got %q, want it to contain %q", got, want)
		}
	}
	if !evalJS[bool](t, home, `!!document.querySelector("#req-map circle.st-new")`) {
		t.Errorf("no area of a new request on the home's map")
	}
	screenshot(t, home, "home-inbox")
	err = chromedp.Do(home, chromedp.Click(item+" .req-preview"), chromedp.WaitVisible("#tl-video"))
	if err != nil {
		t.Fatalf("preview: %v", err)
	}
	if got := evalJS[string](t, home, `document.querySelector("#tl-camera").value`); got != "front" {
		t.Errorf("preview: timeline camera %q, want front", got)
	}
	if err := chromedp.Do(home, chromedp.Click("#nav-requests"), chromedp.WaitVisible(item+" .req-approve")); err != nil {
		t.Fatal(err)
	}
	clipEnd := winEnd.Add(-time.Second)
	clipStart := clipEnd.Add(-4 * time.Second)
	err = chromedp.Do(home,
		chromedp.Click(item+" .req-approve"),
		chromedp.WaitVisible(item+" .req-approve-form"),
		chromedp.SetValue(item+" .req-approve-form [name=start]", clipStart.In(time.Local).Format(local)),
		chromedp.SetValue(item+" .req-approve-form [name=end]", clipEnd.In(time.Local).Format(local)),
		chromedp.SetValue(item+" .req-approve-form [name=note]", "The side gate is on the left"),
		chromedp.Click(item+" .req-send"),
	)
	if err != nil {
		t.Fatalf("approve: %v", err)
	}
	waitJS(t, home, "the request approved in the inbox", `(li => li && /approved|delivered/.test(li.querySelector(".badge").textContent))(
		document.querySelector(`+jsString(item)+`))`)
	waitJS(t, home, "the badge gone", `document.querySelector("#req-badge").hidden`)
	waitJS(t, home, "the delivery listed", `document.querySelector("#req-deliveries tbody").textContent.includes("24-1187")`)
	screenshot(t, home, "home-approved")

	// A second request, declined from the page: no delivery for it, and the policy saved from the page.
	status, body, _ := apiA.do("POST", "/api/v1/requests", map[string]any{"hood": dir[0].Hood, "case": "24-1188",
		"reason": "Second look", "lat": lat, "lon": lon, "radius": 50, "start": winStart, "end": winEnd})
	var second struct{ ID string }
	if status != http.StatusCreated || json.Unmarshal(body, &second) != nil {
		t.Fatalf("second request: got status %d (%s), want 201", status, body)
	}
	item2 := fmt.Sprintf(`#req-inbox li[data-id=%q]`, second.ID)
	waitJS(t, home, "the second request in the inbox", `!!document.querySelector(`+jsString(item2+" .req-decline")+`)`)
	err = chromedp.Do(home, chromedp.Evaluate[chromedp.Void](`window.confirm = () => true`), chromedp.Click(item2+" .req-decline"))
	if err != nil {
		t.Fatal(err)
	}
	waitJS(t, home, "the second request declined", `(li => li && li.querySelector(".badge").textContent === "declined")(
		document.querySelector(`+jsString(item2)+`))`)
	if n := evalJS[int](t, home, `document.querySelectorAll("#req-deliveries tbody tr").length`); n != 1 {
		t.Errorf("deliveries after a decline: got %d rows, want 1", n)
	}
	err = chromedp.Do(home, chromedp.Click(`#pol-cams input[value="front"]`), chromedp.Click("#pol-save"))
	if err != nil {
		t.Fatal(err)
	}
	pollText(t, home, "#pol-status", "Saved.")
	if _, body, _ := apiH.do("GET", "/api/v1/request-policy", nil); !strings.Contains(string(body), `"never_share":["front"]`) {
		t.Errorf("policy after saving the page: got %s, want never_share [front]", body)
	}

	// Anyone's audit: the home verifies the agency's log, which holds the request.
	err = chromedp.Do(home, chromedp.Evaluate[chromedp.Void](`location.hash = "#/agencies"`), chromedp.WaitVisible("#ag-verify"))
	if err != nil {
		t.Fatal(err)
	}
	waitJS(t, home, "Metro PD in the directory", `document.querySelector("#ag-list").textContent.includes("Metro PD")`)
	if err := chromedp.Do(home, chromedp.Click("#ag-verify")); err != nil {
		t.Fatal(err)
	}
	verified := waitJS(t, home, "the log verified", `(li => li ? li.className + ": " + li.textContent : "")(document.querySelector("#ag-verify-out li.ok, #ag-verify-out li.bad"))`)
	if !strings.HasPrefix(verified, "ok: Metro PD: ok") {
		t.Errorf("verify logs: got %q, want Metro PD ok", verified)
	}
	screenshot(t, home, "home-agencies")

	// The agency's console lists the submission; it plays, and its custody record shows its hashes.
	sub := waitJS(t, agency, "the submission in the console", `(li => li ? li.dataset.id : "")(
		[...document.querySelectorAll("#sub-list li[data-id]")].find(li => li.textContent.includes("24-1187")))`)
	subItem := fmt.Sprintf(`#sub-list li[data-id=%q]`, sub)
	if got := evalJS[string](t, agency, `document.querySelector(`+jsString(subItem)+`).textContent`); !strings.Contains(got, "camera front") ||
		!strings.Contains(got, "The side gate is on the left") {
		t.Errorf("submission item: got %q, want camera front and the owner's note", got)
	}
	if err := chromedp.Do(agency, chromedp.Click(subItem+" .sub-play")); err != nil {
		t.Fatal(err)
	}
	waitJS(t, agency, "the submission's video to have data (readyState ≥ 2)",
		`document.querySelector(`+jsString(subItem+" video")+`).readyState >= 2`)
	dur := evalJS[float64](t, agency, `document.querySelector(`+jsString(subItem+" video")+`).duration`)
	if dur < 3.5 || dur > 4.5 {
		t.Errorf("submission video: duration %.2f s, want 4 s", dur)
	}
	waitJS(t, agency, "1 clip counted for the request", `(tr => tr && tr.querySelector(".ar-subs").textContent === "1")(
		document.querySelector(`+jsString(fmt.Sprintf(`#ar-list tr[data-id=%q]`, reqID))+`))`)
	if err := chromedp.Do(agency, chromedp.Click(subItem+" .sub-custody")); err != nil {
		t.Fatal(err)
	}
	custody := waitJS(t, agency, "the chain of custody", `(c => c && c.querySelector("dl") ? c.textContent : "")(
		document.querySelector(`+jsString(subItem+" .custody")+`))`)
	if !regexp.MustCompile(`MP4 SHA-256[0-9a-f]{64}`).MatchString(custody) || !strings.Contains(custody, "Signed receipt") {
		t.Errorf("custody: got %q, want the MP4's SHA-256 and the signed receipt", custody)
	}
	screenshot(t, agency, "agency-submission")
}

func abs(f float64) float64 {
	if f < 0 {
		return -f
	}
	return f
}

// startAgencyNode runs an in-process agency node (no camera) and returns its UI's base URL and the
// admin password.
func startAgencyNode(t *testing.T, name string) (string, string) {
	t.Helper()
	res, err := nvr.Init(t.TempDir(), nvr.RoleAgency, name)
	if err != nil {
		t.Fatal(err)
	}
	return runInitNode(t, res, nil)
}

// agencyBrowserLogin is browserLogin with room for the whole exchange: 3 minutes, where the polled
// pages (10 s) and the delivery between nodes add up.
func agencyBrowserLogin(t *testing.T, base, password string) context.Context {
	t.Helper()
	ctx := browser(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(base)); err != nil { // starts the browser: no timeout here
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(ctx, 6*time.Minute) // make test runs packages side by side
	t.Cleanup(cancel)
	err := chromedp.Do(ctx,
		chromedp.WaitVisible("#login-form"),
		chromedp.SetValue(`#login-form [name=password]`, password),
		chromedp.Click(`#login-form button[type=submit]`),
		chromedp.WaitVisible("#top"),
	)
	if err != nil {
		t.Fatalf("logging in at %s: %v", base, err)
	}
	return ctx
}

// jsonOf is v as a JavaScript literal.
func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// agencyInviteOnPage makes an agency invite with the Neighborhood page's form, its scope fields (by
// selector) set to scope, and returns the code the page shows.
func agencyInviteOnPage(t *testing.T, ctx context.Context, scope map[string]string) string {
	t.Helper()
	actions := []chromedp.Action[chromedp.Void]{
		chromedp.Evaluate[chromedp.Void](`(s => { s.value = "agency"; s.dispatchEvent(new Event("change")); })(document.querySelector("#invite-role"))`),
		chromedp.WaitVisible("#invite-scope"),
	}
	for sel, v := range scope {
		actions = append(actions, chromedp.SetValue(sel, v))
	}
	actions = append(actions, chromedp.Click("#invite-create"), chromedp.WaitVisible("#invite-code"))
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatalf("an agency invite on the page: %v", err)
	}
	return evalJS[string](t, ctx, `document.querySelector("#invite-code").value`)
}
