package nvr_test

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/porchlight/porchlight/nvr"
	"github.com/porchlight/porchlight/recorder/mediatest"
)

// Pre- and post-roll of the motion camera's events in these tests.
const (
	testPreRoll  = 3 * time.Second
	testPostRoll = 2 * time.Second
)

// startMotionNode runs a node recording camera "front", an in-process camera looping a clip of 6 s still
// and 4 s moving picture (mediatest.MotionClip), so a motion event opens and closes every 10 s. It
// returns the UI's base URL, the admin password and an API session.
func startMotionNode(t *testing.T) (string, string, *apiSession) {
	t.Helper()
	cam := startMotionCamera(t)
	res, err := nvr.Init(t.TempDir(), nvr.RoleHousehold, "Elm Street 12")
	if err != nil {
		t.Fatal(err)
	}
	base, password := runInitNode(t, res, func(b []byte) []byte {
		return regexp.MustCompile(`(?m)^cameras: \[\]`).ReplaceAll(b, []byte(fmt.Sprintf(
			"cameras:\n  - name: front\n    url: %s\n    motion: {pre_roll: %s, post_roll: %s}\n", cam.URL(), testPreRoll, testPostRoll)))
	})
	return base, password, apiLogin(t, base, "admin", password)
}

// listEvents reads GET /api/v1/events?query.
func listEvents(t *testing.T, s *apiSession, query string) []apiEvent {
	t.Helper()
	code, body, _ := s.do("GET", "/api/v1/events?"+query, nil)
	var evs []apiEvent
	if err := json.Unmarshal(body, &evs); code != 200 || err != nil {
		t.Fatalf("events: %d %s (%v)", code, body, err)
	}
	return evs
}

// TestBrowserEvents makes motion events happen for real (a camera that alternates still and moving
// pictures) and checks, in Chromium: the live tile shows the motion badge while an event is open and not
// after it closed; the Events view lists the events with their picture or a "no picture" reason, a new
// event arrives at the top as "ongoing" and gets its end, a click plays its footage from the pre-roll, and
// the grid is one column on a phone; the timeline draws a marker for an event and a click on it plays
// from the event's start minus its pre-roll.
func TestBrowserEvents(t *testing.T) {
	base, password, admin := startMotionNode(t)
	ctx := browserLogin(t, base, "admin", password)

	// Live: the badge shows while the API has the event open, and goes once it closed.
	badge := `(b => b && !b.hidden)(document.querySelector("#grid .tile[data-camera=front] .motion-badge"))`
	if err := chromedp.Do(ctx, chromedp.WaitVisible(`#grid .tile[data-camera=front] video`)); err != nil {
		t.Fatal(err)
	}
	mediatest.WaitFor(t, 60*time.Second, "the motion badge on the live tile", func() bool { return evalJS[bool](t, ctx, badge) })
	open := openEvents(t, admin)
	if len(open) != 1 {
		t.Fatalf("badge shown; open events %+v, want one", open)
	}
	screenshot(t, ctx, "events-live-badge")
	mediatest.WaitFor(t, 30*time.Second, "the event to close", func() bool {
		for _, e := range listEvents(t, admin, "camera=front&limit=5") {
			if e.ID == open[0].ID {
				return e.End != nil
			}
		}
		return false
	})
	// Closed and no other open: the badge goes (the next event opens some seconds later).
	mediatest.WaitFor(t, 10*time.Second, "the badge to go", func() bool {
		return !evalJS[bool](t, ctx, badge) && len(openEvents(t, admin)) == 0
	})

	// Events view: the closed event is listed with its picture or the reason it has none.
	if err := chromedp.Do(ctx, chromedp.Click(`header a[data-view=events]`),
		chromedp.WaitVisible(fmt.Sprintf(`#ev-grid .ev-card[data-id="%d"]`, open[0].ID))); err != nil {
		t.Fatalf("events view: %v", err)
	}
	card := fmt.Sprintf(`document.querySelector('#ev-grid .ev-card[data-id="%d"]')`, open[0].ID)
	mediatest.WaitFor(t, 10*time.Second, "the card's picture or placeholder", func() bool {
		return evalJS[bool](t, ctx, `(c => { const i = c.querySelector("img.ev-snap"); return i ? i.complete && i.naturalWidth > 0 :
			/^no picture/.test(c.querySelector(".ev-nopic")?.textContent || "") })(`+card+`)`)
	})
	info := evalJS[[]string](t, ctx, `[...`+card+`.querySelectorAll(".ev-info > *")].map(e => e.textContent)`)
	if len(info) != 4 || info[0] != "front" || info[2] == "ongoing" || !strings.HasSuffix(info[2], " s") || !strings.HasPrefix(info[3], "score ") {
		t.Errorf("card info %q: want camera, time, a duration in seconds and a score", info)
	}
	// An admin may tell the neighbors about a closed event (hood-event.js through eventsView.hooks.card).
	if tell := evalJS[string](t, ctx, `(b => b ? b.textContent : "")(`+card+`.querySelector(".ev-actions .ev-tell"))`); tell != "Tell the neighbors…" {
		t.Errorf("closed event's card offers %q, want a \"Tell the neighbors…\" button", tell)
	}

	// Live updates: the next event appears first, ongoing, then gets its end.
	next := func() (int, string) {
		v := evalJS[[]string](t, ctx, `(c => [c.dataset.id, c.querySelector(".ev-dur").textContent])(document.querySelector("#ev-grid .ev-card"))`)
		var id int
		fmt.Sscan(v[0], &id)
		return id, v[1]
	}
	mediatest.WaitFor(t, 30*time.Second, "a new ongoing event at the top", func() bool {
		id, dur := next()
		return uint64(id) > open[0].ID && dur == "ongoing"
	})
	screenshot(t, ctx, "events-ongoing")
	liveID, _ := next()
	mediatest.WaitFor(t, 30*time.Second, "the ongoing event to get its end", func() bool {
		id, dur := next()
		return id == liveID && strings.HasSuffix(dur, " s")
	})

	// A click plays the closed event's footage in place, from its pre-roll.
	if err := chromedp.Do(ctx, chromedp.Click(fmt.Sprintf(`#ev-grid .ev-card[data-id="%d"] .ev-play`, open[0].ID))); err != nil {
		t.Fatal(err)
	}
	video := card + `.querySelector("video")`
	mediatest.WaitFor(t, 20*time.Second, "the event's clip to play", func() bool {
		return evalJS[bool](t, ctx, `(v => !!v && v.readyState >= 2 && v.currentTime > 0.5)(`+video+`)`)
	})
	src := evalJS[string](t, ctx, video+`.src`)
	ev := findEvent(t, admin, open[0].ID)
	if got, want := queryTime(t, src, "start"), ev.Start.Add(-testPreRoll); !got.Equal(want.Truncate(time.Millisecond)) {
		t.Errorf("clip starts at %s, want the event's start minus the pre-roll, %s", got, want)
	}
	if got, want := queryTime(t, src, "end"), ev.End.Add(testPostRoll); !got.Equal(want.Truncate(time.Millisecond)) {
		t.Errorf("clip ends at %s, want the event's end plus the post-roll, %s", got, want)
	}
	screenshot(t, ctx, "events-playing")

	// Paging: a page of one, then "More" brings the older ones, newest first throughout.
	cardIDs := func() []int {
		return evalJS[[]int](t, ctx, `[...document.querySelectorAll("#ev-grid .ev-card")].map(c => Number(c.dataset.id))`)
	}
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`location.hash = "#/events?limit=1"`), chromedp.WaitVisible(`#ev-more`)); err != nil {
		t.Fatalf("a page of one: %v", err)
	}
	first := cardIDs()
	if err := chromedp.Do(ctx, chromedp.Click(`#ev-more`)); err != nil {
		t.Fatal(err)
	}
	mediatest.WaitFor(t, 10*time.Second, "an older event after More", func() bool { ids := cardIDs(); return ids[len(ids)-1] < first[len(first)-1] })
	if ids := cardIDs(); !slices.IsSortedFunc(ids, func(a, b int) int { return b - a }) {
		t.Errorf("cards after More: ids %v, want newest first", ids)
	}

	// Filters: the camera and today show the events; another day shows none, and says so.
	today, yesterday := time.Now().Format("2006-01-02"), time.Now().AddDate(0, 0, -1).Format("2006-01-02")
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`location.hash = "#/events?camera=front&day=`+today+`"`),
		chromedp.WaitVisible(fmt.Sprintf(`#ev-grid .ev-card[data-id="%d"]`, open[0].ID))); err != nil {
		t.Fatalf("filter by camera and today: %v", err)
	}
	if got := evalJS[[]string](t, ctx, `[$("#ev-camera").value, $("#ev-day").value]`); got[0] != "front" || got[1] != today {
		t.Errorf("filter inputs %q, want front and %s", got, today)
	}
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`location.hash = "#/events?day=`+yesterday+`"`)); err != nil {
		t.Fatal(err)
	}
	pollText(t, ctx, "#ev-message", "No events on this day yet.")
	if n := len(cardIDs()); n != 0 {
		t.Errorf("events of yesterday: %d cards, want none", n)
	}
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`location.hash = "#/events"`),
		chromedp.WaitVisible(fmt.Sprintf(`#ev-grid .ev-card[data-id="%d"]`, open[0].ID))); err != nil {
		t.Fatal(err)
	}

	// A viewer may list the events and their pictures as an admin does.
	if code, body, _ := admin.do("POST", "/api/v1/users", map[string]string{"name": "guest", "role": "viewer", "password": "guest-password-1"}); code != 201 {
		t.Fatalf("adding a viewer: %d %s", code, body)
	}
	if evs := listEvents(t, apiLogin(t, base, "guest", "guest-password-1"), "camera=front"); len(evs) == 0 {
		t.Errorf("viewer: no events listed")
	}

	// A phone: one column of cards as wide as the screen.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844)); err != nil {
		t.Fatal(err)
	}
	cols := evalJS[[]float64](t, ctx, `[...document.querySelectorAll("#ev-grid .ev-card")].map(c => c.getBoundingClientRect().left)`)
	width := evalJS[float64](t, ctx, `document.querySelector("#ev-grid .ev-card").getBoundingClientRect().width`)
	for _, x := range cols {
		if x != cols[0] {
			t.Errorf("phone: cards at x %v, want one column", cols)
			break
		}
	}
	if width < 300 || width > 390 {
		t.Errorf("phone: card width %.0f px, want 300..390", width)
	}
	for _, sel := range []string{"#ev-all-days", "#ev-grid .ev-play"} {
		if h := evalJS[float64](t, ctx, `document.querySelector("`+sel+`").getBoundingClientRect().height`); h < 44 {
			t.Errorf("phone: %s is %.0f px high, want a touch target of 44 px at least", sel, h)
		}
	}
	screenshot(t, ctx, "events-phone")
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 800)); err != nil {
		t.Fatal(err)
	}

	// Timeline: a marker for the event; a click on it plays from its start minus the pre-roll.
	marker := fmt.Sprintf(`#tl-svg rect.event[data-id="%d"]`, open[0].ID)
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`location.hash = "#/timeline?camera=front&zoom=120&t=`+
		ev.Start.In(time.Local).Format("15:04:05")+`"`), chromedp.WaitVisible(marker)); err != nil {
		t.Fatalf("timeline marker: %v", err)
	}
	if err := chromedp.Do(ctx, chromedp.Click(marker)); err != nil {
		t.Fatal(err)
	}
	mediatest.WaitFor(t, 20*time.Second, "the timeline to play the event", func() bool {
		return evalJS[bool](t, ctx, `(v => !v.paused && v.readyState >= 2 && v.currentTime > 0.5)(document.querySelector("#tl-video"))`)
	})
	spanStart, _ := spanTimes(t, ctx)
	want := ev.Start.Add(-testPreRoll)
	if spanStart.After(want) {
		want = spanStart // the recording began within the pre-roll: playback starts with it
	}
	if got := queryTime(t, evalJS[string](t, ctx, `document.querySelector("#tl-video").src`), "start"); !got.Equal(want.Truncate(time.Millisecond)) {
		t.Errorf("timeline plays from %s, want the event's start minus the pre-roll, %s", got, want)
	}
	screenshot(t, ctx, "events-timeline")
}

// openEvents lists the events of front open now.
func openEvents(t *testing.T, s *apiSession) []apiEvent {
	t.Helper()
	var out []apiEvent
	for _, e := range listEvents(t, s, "camera=front&start="+time.Now().UTC().Format(time.RFC3339Nano)) {
		if e.End == nil {
			out = append(out, e)
		}
	}
	return out
}

// findEvent reads one event of front from the API.
func findEvent(t *testing.T, s *apiSession, id uint64) apiEvent {
	t.Helper()
	for _, e := range listEvents(t, s, fmt.Sprintf("camera=front&before=%d&limit=1", id+1)) {
		if e.ID == id {
			return e
		}
	}
	t.Fatalf("event %d not listed", id)
	return apiEvent{}
}

// TestBrowserZoneEditor draws a zone and a mask on the camera's live picture in the camera form, sets the
// sensitivity slider and the pre-roll, ticks "every keyframe's picture" (decode_keyframes), and saves: the config file on disk then holds the polygons (in
// frame units) and the values; a wrong post-roll shows the config's error naming the key; the form opened
// again shows what was saved.
func TestBrowserZoneEditor(t *testing.T) {
	cam := startClipCamera(t, nil)
	res, err := nvr.Init(t.TempDir(), nvr.RoleHousehold, "Elm Street 12")
	if err != nil {
		t.Fatal(err)
	}
	base, password := runInitNode(t, res, func(b []byte) []byte {
		return regexp.MustCompile(`(?m)^cameras: \[\]`).ReplaceAll(b, []byte("cameras:\n  - name: front\n    url: "+cam.URL()+"\n"))
	})
	ctx := browserLogin(t, base, "admin", password)
	err = chromedp.Do(ctx,
		chromedp.Click(`header a[data-view=cameras]`),
		chromedp.WaitVisible(`#cam-list tr[data-camera=front] .cam-edit`),
		chromedp.Click(`#cam-list tr[data-camera=front] .cam-edit`),
		chromedp.WaitVisible(`#zone-svg`),
		chromedp.ScrollIntoView(`#zone-stage`),
	)
	if err != nil {
		t.Fatalf("opening the camera form: %v", err)
	}
	// No event snapshot: the live video is the picture, and it plays.
	mediatest.WaitFor(t, 20*time.Second, "the live picture in the editor", func() bool {
		return evalJS[bool](t, ctx, `(v => !v.hidden && v.readyState >= 2 && v.currentTime > 0.3)(document.querySelector("#zone-video"))`)
	})
	if src := evalJS[string](t, ctx, `document.querySelector("#zone-source").textContent`); !strings.Contains(src, "live video") {
		t.Errorf("picture source: %q, want the live video", src)
	}

	// clickAt clicks the drawing at (fx, fy) in frame units.
	clickAt := func(fx, fy float64) {
		t.Helper()
		r := evalJS[[]float64](t, ctx, `(r => [r.left, r.top, r.width, r.height])(document.querySelector("#zone-svg").getBoundingClientRect())`)
		if err := chromedp.Do(ctx, chromedp.MouseClickXY(r[0]+fx*r[2], r[1]+fy*r[3])); err != nil {
			t.Fatal(err)
		}
	}
	// A zone: four points, closed by clicking the first one again.
	zone := [][2]float64{{0.1, 0.5}, {0.9, 0.5}, {0.9, 0.95}, {0.1, 0.95}}
	for _, p := range zone {
		clickAt(p[0], p[1])
	}
	clickAt(zone[0][0], zone[0][1])
	// A mask: a triangle, closed with the button.
	mask := [][2]float64{{0.6, 0.1}, {0.8, 0.1}, {0.7, 0.3}}
	if err := chromedp.Do(ctx, chromedp.SetValue(`#zone-kind`, "masks")); err != nil {
		t.Fatal(err)
	}
	for _, p := range mask {
		clickAt(p[0], p[1])
	}
	err = chromedp.Do(ctx, chromedp.Click(`#zone-close`),
		chromedp.Evaluate[chromedp.Void](`(s => { s.value = "0.7"; s.dispatchEvent(new Event("input")); })(document.querySelector("#cam-form [name=sensitivity]"))`),
		chromedp.SetValue(`#cam-form [name=pre_roll]`, "3s"),
		chromedp.SetValue(`#cam-form [name=post_roll]`, "20m"),
		chromedp.Click(`#cam-form [name=decode_keyframes]`),
	)
	if err != nil {
		t.Fatal(err)
	}
	if got := evalJS[[]string](t, ctx, `[...document.querySelectorAll("#zone-list li")].map(li => li.firstChild.textContent.trim())`); strings.Join(got, "|") != "Zone 1 (4 points)|Mask 1 (3 points)" {
		t.Errorf("polygon list %q, want a zone of 4 points and a mask of 3", got)
	}
	if n := evalJS[int](t, ctx, `document.querySelectorAll("#zone-svg polygon.zone, #zone-svg polygon.mask").length`); n != 2 {
		t.Errorf("drawn polygons: %d, want 2", n)
	}
	screenshot(t, ctx, "zone-editor")

	// A post-roll over the limit: the error names the key, nothing is saved.
	if err := chromedp.Do(ctx, chromedp.Click(`#cam-save`)); err != nil {
		t.Fatal(err)
	}
	pollText(t, ctx, "#cam-error", "cameras[0].motion.post_roll: must be between 0s and 10m0s")
	if cfg, err := nvr.Load(res.ConfigPath); err != nil || cfg.Cameras[0].Motion != nil && len(cfg.Cameras[0].Motion.Zones) > 0 {
		t.Fatalf("config after the refused save: %v, zones %+v", err, cfg.Cameras[0].Motion)
	}

	err = chromedp.Do(ctx, chromedp.SetValue(`#cam-form [name=post_roll]`, "4s"), chromedp.Click(`#cam-save`),
		chromedp.WaitNotVisible(`#cam-form`))
	if err != nil {
		t.Fatalf("saving: %v", err)
	}
	cfg, err := nvr.Load(res.ConfigPath)
	if err != nil {
		t.Fatal(err)
	}
	m := cfg.Cameras[0].Motion
	if m == nil || len(m.Zones) != 1 || len(m.Masks) != 1 {
		t.Fatalf("config motion after save: %+v, want one zone and one mask", m)
	}
	near := func(what string, got nvr.Polygon, want [][2]float64) {
		if len(got) != len(want) {
			t.Errorf("%s: %v, want %v", what, got, want)
			return
		}
		for i, p := range want {
			if len(got[i]) != 2 || abs(got[i][0]-p[0]) > 0.01 || abs(got[i][1]-p[1]) > 0.01 {
				t.Errorf("%s point %d: %v, want %v ± 0.01", what, i, got[i], p)
			}
		}
	}
	near("zone", m.Zones[0], zone)
	near("mask", m.Masks[0], mask)
	if m.Sensitivity != 0.7 || m.PreRoll.Std() != 3*time.Second || m.PostRoll.Std() != 4*time.Second || !m.Enabled || !m.DecodeKeyframes {
		t.Errorf("config motion: sensitivity %v, pre_roll %v, post_roll %v, enabled %v, decode_keyframes %v; want 0.7, 3s, 4s, true, true",
			m.Sensitivity, m.PreRoll, m.PostRoll, m.Enabled, m.DecodeKeyframes)
	}

	// Opened again, the form shows what the config holds. The list is drawn again after the save, so the
	// button is clicked from the page (a node chromedp looked up first may be gone by the click).
	err = chromedp.Do(ctx, chromedp.WaitVisible(`#cam-list tr[data-camera=front] .cam-edit`),
		chromedp.Evaluate[chromedp.Void](`document.querySelector("#cam-list tr[data-camera=front] .cam-edit").click()`),
		chromedp.WaitVisible(`#zone-svg`))
	if err != nil {
		t.Fatal(err)
	}
	mediatest.WaitFor(t, 5*time.Second, "the saved polygons in the form", func() bool {
		return evalJS[int](t, ctx, `document.querySelectorAll("#zone-list li").length`) == 2 &&
			evalJS[string](t, ctx, `document.querySelector("#cam-sens-value").textContent`) == "0.70" &&
			evalJS[bool](t, ctx, `document.querySelector("#cam-form [name=decode_keyframes]").checked`)
	})
	screenshot(t, ctx, "zone-editor-saved")
}
