package nvr_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/porchlight/porchlight/internal/testutil"
	"github.com/porchlight/porchlight/recorder/mediatest"
)

// TestBrowserEventToNeighbors drives home A's Neighborhood page in a real Chromium with home B as the
// neighbor: A's recent event opens the "Tell the neighbors" dialog prefilled; cancelling it sends nothing;
// confirming a trimmed clip posts the alert, which reaches B with the clip. B's alert about the same place
// and time shows under it, in A's feed, A's own matching event with "Offer the clip…", whose dialog
// answers in B's hood quoting B's alert.
func TestBrowserEventToNeighbors(t *testing.T) {
	mediatest.Require(t, "ffmpeg")
	clip := motionClip(t)
	baseA, pwA, _ := startEventHome(t, clip, "Elm Street 12", 40.7128)
	baseB, pwB, _ := startEventHome(t, clip, "Elm Street 14", 40.7131)
	apiA, apiB := apiLogin(t, baseA, "admin", pwA), apiLogin(t, baseB, "admin", pwB)
	var hood struct{ ID string }
	mustDo(t, apiA, "POST", "/api/v1/hoods", map[string]string{"name": "Elm Street"}, http.StatusCreated, &hood)
	var inv struct{ Code string }
	mustDo(t, apiA, "POST", "/api/v1/hoods/"+hood.ID+"/invites", map[string]string{"role": "household"}, http.StatusCreated, &inv)
	mustDo(t, apiB, "POST", "/api/v1/hoods/join", map[string]string{"code": inv.Code}, http.StatusOK, nil)
	ev := closedEvent(t, apiA)
	waitRecorded(t, apiA, ev.End.Add(3*time.Second))

	ctx := browserLogin(t, baseA, "admin", pwA)
	tell := fmt.Sprintf(`#hood-events li[data-event="%d"] .event-tell`, ev.ID)
	err := chromedp.Do(ctx,
		chromedp.Evaluate[chromedp.Void](`location.hash = "#/hood"`),
		chromedp.WaitVisible(tell),
		chromedp.Click(tell),
		chromedp.WaitVisible("#event-alert .ea-text"),
	)
	if err != nil {
		t.Fatalf("open the dialog from event %d: %v", ev.ID, err)
	}
	waitJS(t, ctx, "the draft's text", `document.querySelector("#event-alert .ea-text").value.includes("front camera at")`)
	if !evalJS[bool](t, ctx, `(d => d.querySelector(".ea-place").checked && d.querySelector(".ea-clip").checked &&
		d.querySelector(".ea-start").value !== "" && d.querySelector(".ea-end").value !== "")(document.querySelector("#event-alert"))`) {
		t.Errorf("dialog: want the place and the clip ticked, From and To set")
	}
	screenshot(t, ctx, "event-alert-dialog")
	if err := chromedp.Do(ctx, chromedp.Click("#event-alert .ea-cancel"), chromedp.WaitNotVisible("#event-alert .ea-text")); err != nil {
		t.Fatal(err)
	}
	if n := metric(t, baseA, "porchlight_hood_alerts_posted_total"); n != 0 {
		t.Errorf("A posted %v alerts from an opened and cancelled dialog, want 0", n)
	}

	// Open it again, trim one second off the start, and post.
	err = chromedp.Do(ctx,
		chromedp.Click(tell),
		chromedp.WaitVisible("#event-alert .ea-text"),
		chromedp.Evaluate[chromedp.Void](`(() => {
			const d = document.querySelector("#event-alert"), s = d.querySelector(".ea-start");
			const t = new Date(new Date(s.value).getTime() + 1000);
			s.value = new Date(t - t.getTimezoneOffset() * 60e3).toISOString().slice(0, 19);
			d.querySelector(".ea-text").value = "Someone at the gate, anyone else see them?";
		})()`),
		chromedp.Click("#event-alert .ea-post"),
		chromedp.WaitNotVisible("#event-alert .ea-text"),
	)
	if err != nil {
		t.Fatalf("post from the dialog: %v", err)
	}
	fromA := waitJS(t, ctx, "A's alert in A's feed", `(li => li ? li.dataset.id : "")(
		[...document.querySelectorAll("#alert-feed li[data-id]")].find(li => li.textContent.includes("Someone at the gate") && li.querySelector(".alert-play")))`)
	var atB matchedAlert
	testutil.WaitFor(t, 30*time.Second, "A's alert at B", func() bool {
		for _, a := range alertsOf(t, apiB) {
			if a.ID == fromA {
				atB = a
				return true
			}
		}
		return false
	})
	if atB.Clip == nil || atB.Clip.Camera != "front" || !atB.Clip.Start.After(ev.Start.Add(-5*time.Second)) {
		t.Errorf("A's alert at B: %+v, want front's clip trimmed inside the pre-roll", atB)
	}

	// B posts about the same place and time: A's feed offers A's own matching event.
	evB := closedEvent(t, apiB)
	var fromB matchedAlert
	mustDo(t, apiB, "POST", fmt.Sprintf("/api/v1/events/%d/alert", evB.ID), map[string]any{"text": "Van stopped at 14",
		"category": "suspicious", "lat": 40.7131, "lon": -74.006}, http.StatusCreated, &fromB)
	offer := fmt.Sprintf(`#alert-feed li[data-id=%q] .alert-offer`, fromB.ID)
	waitJS(t, ctx, "the offer under B's alert", `!!document.querySelector(`+jsString(offer)+`)`)
	line := evalJS[string](t, ctx, `document.querySelector(`+jsString(offer)+`).parentElement.textContent`)
	if !strings.HasPrefix(line, "Your front camera saw motion at ") {
		t.Errorf("match line %q, want \"Your front camera saw motion at …\"", line)
	}
	screenshot(t, ctx, "event-alert-match")
	if n := metric(t, baseA, "porchlight_hood_alerts_posted_total"); n != 1 {
		t.Errorf("A posted %v alerts once B's alert matched, want still 1", n)
	}
	err = chromedp.Do(ctx, chromedp.Click(offer), chromedp.WaitVisible("#event-alert .ea-text"))
	if err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "the reply's text", `document.querySelector("#event-alert .ea-text").value.startsWith("Re: Elm Street 14's alert")`)
	if err := chromedp.Do(ctx, chromedp.Click("#event-alert .ea-post"), chromedp.WaitNotVisible("#event-alert .ea-text")); err != nil {
		t.Fatal(err)
	}
	testutil.WaitFor(t, 30*time.Second, "A's answer at B", func() bool {
		for _, a := range alertsOf(t, apiB) {
			if strings.HasPrefix(a.Text, "Re: Elm Street 14's alert") && a.Hood == hood.ID && a.Clip != nil {
				return true
			}
		}
		return false
	})
}
