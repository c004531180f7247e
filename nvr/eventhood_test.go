package nvr_test

import (
	"fmt"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/porchlight/porchlight/internal/testutil"
	"github.com/porchlight/porchlight/recorder/mediatest"
)

// eventDraft is GET /api/v1/events/{id}/alert.
type eventDraft struct {
	Event          apiEvent
	Hood           string
	ReplyTo        string `json:"reply_to"`
	Text, Category string
	Lat, Lon       *float64
	Camera         string
	Start, End     time.Time
	MaxClip        string `json:"max_clip"`
}

// matchedAlert is an alert as GET /api/v1/alerts lists it, with its matches.
type matchedAlert struct {
	ID, Hood, Author, Text string
	Mine                   bool
	Lat, Lon               *float64
	Clip                   *struct {
		Camera     string
		Start, End time.Time
		Size       int64
	}
	Matches []apiEvent
}

// TestEventToNeighbors runs two homes in-process with real libp2p hosts, 33 m apart, each recording a
// camera that sees motion 4 s in every 10. Home A drafts an alert from its event (sending nothing), then
// confirms a trimmed clip: home B receives it and plays the clip through the alert's attachment path.
// Home B lists its own events at that place and time as matches of A's alert without sending anything;
// only when B confirms an offer does an alert leave B, and A fetches B's clip from B.
func TestEventToNeighbors(t *testing.T) {
	mediatest.Require(t, "ffprobe", "ffmpeg")
	clip := motionClip(t)
	baseA, pwA, _ := startEventHome(t, clip, "Elm Street 12", 40.7128)
	baseB, pwB, cfgB := startEventHome(t, clip, "Elm Street 14", 40.7131)
	apiA, apiB := apiLogin(t, baseA, "admin", pwA), apiLogin(t, baseB, "admin", pwB)

	var hood struct{ ID string }
	mustDo(t, apiA, "POST", "/api/v1/hoods", map[string]string{"name": "Elm Street"}, http.StatusCreated, &hood)
	var inv struct{ Code string }
	mustDo(t, apiA, "POST", "/api/v1/hoods/"+hood.ID+"/invites", map[string]string{"role": "household"}, http.StatusCreated, &inv)
	mustDo(t, apiB, "POST", "/api/v1/hoods/join", map[string]string{"code": inv.Code}, http.StatusOK, nil)

	// A's event, closed, with its footage recorded through the end of its post-roll.
	ev := closedEvent(t, apiA)
	waitRecorded(t, apiA, ev.End.Add(3*time.Second))
	var draft eventDraft
	mustDo(t, apiA, "GET", fmt.Sprintf("/api/v1/events/%d/alert", ev.ID), nil, http.StatusOK, &draft)
	t.Logf("A's draft: %+v", draft)
	if !draft.Start.Equal(ev.Start.Add(-5*time.Second)) || !draft.End.Equal(ev.End.Add(2*time.Second)) ||
		draft.Camera != "front" || draft.Event.ID != ev.ID {
		t.Errorf("draft clip %s %s..%s, want front %s..%s (pre_roll 5s, post_roll 2s)", draft.Camera, draft.Start,
			draft.End, ev.Start.Add(-5*time.Second), ev.End.Add(2*time.Second))
	}
	if !strings.Contains(draft.Text, "front camera at "+ev.Start.Local().Format("15:04")) || draft.Lat == nil ||
		math.Abs(*draft.Lat-40.7128) > 1e-9 || draft.Hood != "" {
		t.Errorf("draft text %q, place %v: want the event's time and A's camera location", draft.Text, draft.Lat)
	}
	// Drafting sent nothing: nothing was posted, and B has no alert.
	for _, m := range []string{"porchlight_hood_alerts_posted_total", "porchlight_hood_clips_served_total"} {
		if n := metric(t, baseA, m); n != 0 {
			t.Errorf("A's %s is %v after a draft, want 0", m, n)
		}
	}
	if as := alertsOf(t, apiB); len(as) != 0 {
		t.Errorf("B lists %+v after A's draft, want nothing", as)
	}

	// A confirms a trimmed clip; B receives the alert and plays the clip through the attachment path.
	start := draft.Start.Add(time.Second).Truncate(time.Second)
	end := draft.End.Truncate(time.Millisecond) // alerts carry clip times in milliseconds
	var posted matchedAlert
	mustDo(t, apiA, "POST", fmt.Sprintf("/api/v1/events/%d/alert", ev.ID), map[string]any{"text": draft.Text + " Anyone else?",
		"category": "suspicious", "lat": *draft.Lat, "lon": *draft.Lon, "start": start, "end": end}, http.StatusCreated, &posted)
	if posted.Clip == nil || posted.Clip.Camera != "front" || !posted.Clip.Start.Equal(start) || !posted.Clip.End.Equal(end) {
		t.Fatalf("A's alert: %+v, want front's clip %s..%s", posted, start, end)
	}
	var atB matchedAlert
	testutil.WaitFor(t, 30*time.Second, "A's alert at B", func() bool {
		for _, a := range alertsOf(t, apiB) {
			if a.ID == posted.ID {
				atB = a
				return true
			}
		}
		return false
	})
	if as := alertsOf(t, apiB); len(as) != 1 {
		t.Errorf("B lists %d alerts, want only A's confirmed one", len(as))
	}
	status, body, resp := apiB.do("GET", "/api/v1/alerts/"+posted.ID+"/clip.mp4", nil)
	if status != http.StatusOK || resp.Header.Get("Content-Type") != "video/mp4" || int64(len(body)) != posted.Clip.Size {
		t.Fatalf("B fetches A's clip: status %d, type %q, %d bytes; want 200 video/mp4 of %d bytes", status,
			resp.Header.Get("Content-Type"), len(body), posted.Clip.Size)
	}
	path := filepath.Join(t.TempDir(), "a.mp4")
	if err := os.WriteFile(path, body, 0o644); err != nil {
		t.Fatal(err)
	}
	// The clip's bytes are the ones A hashed when it posted (the fetch checks size and SHA-256); its length
	// is the export's (recorder/export tests how exact that is).
	want := end.Sub(start)
	d := mediatest.ProbeFile(t, path).Duration()
	t.Logf("A's clip at B: %d bytes, %s (trim %s)", len(body), d, want)
	if d < want-1500*time.Millisecond || d > want+300*time.Millisecond {
		t.Errorf("A's clip at B lasts %s, want about the trim's %s", d, want)
	}
	mediatest.DecodeClean(t, path)

	// B's own events at that place and time are listed with A's alert, and nothing left B for it.
	testutil.WaitFor(t, 30*time.Second, "B's matches of A's alert", func() bool {
		for _, a := range alertsOf(t, apiB) {
			if a.ID == posted.ID && len(a.Matches) > 0 {
				atB = a
				return true
			}
		}
		return false
	})
	var own []apiEvent
	mustDo(t, apiB, "GET", "/api/v1/events", nil, http.StatusOK, &own)
	ids := map[uint64]apiEvent{}
	for _, e := range own {
		ids[e.ID] = e
	}
	var offer apiEvent
	for _, m := range atB.Matches {
		if e, ok := ids[m.ID]; !ok || m.Camera != "front" || !e.Start.Equal(m.Start) {
			t.Errorf("match %+v is not one of B's own events", m)
		}
		if m.End != nil && offer.ID == 0 {
			offer = m
		}
	}
	t.Logf("B's matches of A's alert: %d, first %+v", len(atB.Matches), atB.Matches[0])
	if n := metric(t, baseB, "porchlight_hood_alerts_posted_total"); n != 0 {
		t.Errorf("B posted %v alerts on a match, want 0", n)
	}
	if n := metric(t, baseB, "porchlight_hood_clips_served_total"); n != 0 {
		t.Errorf("B served %v clips after a match, want 0", n)
	}
	if out := run(t, "alert", "list", "--config", cfgB); !strings.Contains(out, fmt.Sprintf("    your front camera saw motion at %s (event %d)",
		atB.Matches[0].Start.Local().Format(time.TimeOnly), atB.Matches[0].ID)) {
		t.Errorf("alert list at B:\n%s\nwant the match under A's alert", out)
	}
	// On the clip protocol B has sent only its request for A's clip (a frame naming the alert), no footage.
	if n := metric(t, baseB, `porchlight_p2p_sent_bytes_total{protocol="/porchlight/clip/1.0.0"}`); n > 1024 {
		t.Errorf("B sent %v bytes on the clip protocol after a match, want only its fetch request", n)
	}
	for _, a := range alertsOf(t, apiA) {
		if !a.Mine {
			t.Errorf("A lists %+v, an alert B never confirmed", a)
		}
	}
	if offer.ID == 0 {
		offer = closedEvent(t, apiB)
	}

	// B offers its clip in answer; only now does an alert leave B, and A fetches B's clip from B.
	var reply eventDraft
	mustDo(t, apiB, "GET", fmt.Sprintf("/api/v1/events/%d/alert?reply_to=%s", offer.ID, posted.ID), nil, http.StatusOK, &reply)
	if reply.Hood != hood.ID || reply.ReplyTo != posted.ID || !strings.HasPrefix(reply.Text, "Re: Elm Street 12's alert “") {
		t.Errorf("B's reply draft: %+v, want A's hood and A's alert quoted", reply)
	}
	if n := metric(t, baseB, "porchlight_hood_alerts_posted_total"); n != 0 {
		t.Errorf("B posted %v alerts on a reply draft, want 0", n)
	}
	var answer matchedAlert
	mustDo(t, apiB, "POST", fmt.Sprintf("/api/v1/events/%d/alert", offer.ID), map[string]any{"hood": reply.Hood,
		"text": reply.Text, "category": reply.Category, "start": reply.Start, "end": reply.End.Truncate(time.Millisecond)}, http.StatusCreated, &answer)
	testutil.WaitFor(t, 30*time.Second, "B's answer at A", func() bool {
		for _, a := range alertsOf(t, apiA) {
			if a.ID == answer.ID {
				return a.Clip != nil
			}
		}
		return false
	})
	status, body, _ = apiA.do("GET", "/api/v1/alerts/"+answer.ID+"/clip.mp4", nil)
	if status != http.StatusOK || int64(len(body)) != answer.Clip.Size {
		t.Fatalf("A fetches B's clip: status %d, %d bytes, want 200 and %d bytes", status, len(body), answer.Clip.Size)
	}
	// The counters that stayed at 0 count: libp2p's meter updates about once a second.
	testutil.WaitFor(t, 10*time.Second, "B's clip bytes sent to count A's fetch", func() bool {
		return metric(t, baseB, `porchlight_p2p_sent_bytes_total{protocol="/porchlight/clip/1.0.0"}`) >= float64(answer.Clip.Size)
	})
	if n := metric(t, baseB, "porchlight_hood_clips_served_total"); n != 1 {
		t.Errorf("B served %v clips after A's fetch, want 1", n)
	}
}
