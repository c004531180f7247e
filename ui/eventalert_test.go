package ui

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

// fakeEventAlerts knows one closed event of front (11:50:00–11:51:00, pre_roll 5 s, post_roll 10 s, a
// location) and one open event of back without a location.
type fakeEventAlerts struct{ now func() time.Time }

func (f fakeEventAlerts) EventClip(id uint64) (EventClip, error) {
	switch id {
	case 1:
		start, end := *tp("2026-03-01T11:50:00Z"), *tp("2026-03-01T11:51:00Z")
		return EventClip{Event: Event{ID: 1, Camera: "front", Kind: "motion", Start: start, End: &end, Score: 0.7},
			Start: start.Add(-5 * time.Second), End: end.Add(10 * time.Second), Location: &Location{Lat: 40.7128, Lon: -74.006}}, nil
	case 2:
		start := f.now().Add(-30 * time.Second)
		return EventClip{Event: Event{ID: 2, Camera: "back", Kind: "motion", Start: start},
			Start: start.Add(-5 * time.Second), End: f.now()}, nil
	}
	return EventClip{}, Errorf(ErrNotFound, "event %d: no such event", id)
}

func newEventAlertEnv(t *testing.T, f *fakeHoods) *authEnv {
	t.Helper()
	e := newAuthEnv(t)
	s := &Server{Listen: "127.0.0.1:0", DataDir: e.dir, Cameras: &fakeCameras{}, Hoods: f, Now: e.clock.Now,
		EventAlerts: fakeEventAlerts{now: e.clock.Now}}
	e.url = runServer(t, s)
	return e
}

// TestEventAlertDraft: the draft of an event has the text, the camera's place and the clip with pre- and
// post-roll; a reply quotes the neighbor's alert and takes its hood; drafting posts nothing; viewers may
// not draft.
func TestEventAlertDraft(t *testing.T) {
	f := newFakeHoods()
	f.alerts = []Alert{{ID: "n1", Hood: "h2", Author: "peer", AuthorName: "Maple 3", Category: "theft",
		Text: "Package taken from my porch around 11:50", Time: *tp("2026-03-01T11:55:00Z")}}
	e := newEventAlertEnv(t, f)
	admin := e.login("admin", e.adminPW)
	runHoodSteps(t, e, admin, []hoodStep{
		{"draft", "GET", "/api/v1/events/1/alert", nil, 200, `"text":"Motion seen by my front camera at 11:50 on Sun 1 Mar.","category":"other","lat":40.7128,"lon":-74.006,"camera":"front","start":"2026-03-01T11:49:55Z","end":"2026-03-01T11:51:10Z","max_clip":"10m0s"}`},
		{"reply", "GET", "/api/v1/events/1/alert?reply_to=n1", nil, 200, `"hood":"h2","reply_to":"n1","text":"Re: Maple 3's alert “Package taken from my porch around 11:50”: Motion seen by my front camera at 11:50 on Sun 1 Mar.","category":"theft"`},
		{"open event, no place", "GET", "/api/v1/events/2/alert", nil, 200, `"camera":"back","start":"2026-03-01T11:59:25Z","end":"2026-03-01T12:00:00Z"`},
		{"no such event", "GET", "/api/v1/events/9/alert", nil, 404, "event 9: no such event"},
		{"bad id", "GET", "/api/v1/events/x/alert", nil, 404, "no such event"},
		{"no such alert", "GET", "/api/v1/events/1/alert?reply_to=zz", nil, 404, `reply_to: no alert \"zz\"`},
	})
	code, _, body := e.do(admin, "GET", "/api/v1/events/2/alert", nil)
	if code == 200 && strings.Contains(string(body), `"lat"`) {
		t.Errorf("draft of a camera without a location: got %s, want no lat", body)
	}
	viewer := e.login("viewer", viewerPW)
	code, _, body = e.do(viewer, "GET", "/api/v1/events/1/alert", nil)
	wantStatus(t, "viewer drafting", code, 403, body)
	if len(f.drafts) != 0 {
		t.Errorf("drafting posted %+v, want nothing posted", f.drafts)
	}
}

// TestEventAlertConfirm: the owner's confirmation posts the alert with the event's camera and the trimmed
// clip; a trim outside the event, a lone start or end, or a bad text is 400 naming the key and posts
// nothing; without EventAlerts the routes answer 503.
func TestEventAlertConfirm(t *testing.T) {
	f := newFakeHoods()
	e := newEventAlertEnv(t, f)
	bad := []struct {
		name string
		body map[string]any
		want string
	}{
		{"start only", map[string]any{"text": "x", "start": "2026-03-01T11:50:00Z"}, "start, end: give both to attach the clip, or neither"},
		{"after the event", map[string]any{"text": "x", "start": "2026-03-01T11:51:00Z", "end": "2026-03-01T11:52:00Z"}, "start: the clip must begin before the event ends (2026-03-01T11:51:00Z)"},
		{"before the event", map[string]any{"text": "x", "start": "2026-03-01T11:45:00Z", "end": "2026-03-01T11:50:00Z"}, "end: the clip must end after the event starts (2026-03-01T11:50:00Z)"},
		{"too long", map[string]any{"text": "x", "start": "2026-03-01T11:41:00Z", "end": "2026-03-01T11:51:01Z"}, "end: the clip is 10m1s long, at most 10m0s"},
		{"reversed", map[string]any{"text": "x", "start": "2026-03-01T11:50:40Z", "end": "2026-03-01T11:50:20Z"}, "end: must be after start"},
		{"no text", map[string]any{"text": " "}, "text: want 1 to 2000 characters, got 0"},
		{"half a place", map[string]any{"text": "x", "lat": 40.7}, "lat, lon: give both or neither"},
		{"camera is not the owner's to pick", map[string]any{"text": "x", "camera": "back"}, "unknown field"},
	}
	for _, tt := range bad {
		code, _, body := e.do(creds{bearer: testToken}, "POST", "/api/v1/events/1/alert", tt.body)
		wantStatus(t, tt.name, code, 400, body)
		if !strings.Contains(string(body), tt.want) {
			t.Errorf("%s: got body %s, want it to contain %s", tt.name, body, tt.want)
		}
	}
	if len(f.drafts) != 0 {
		t.Fatalf("refused confirmations posted %+v, want nothing", f.drafts)
	}

	code, _, body := e.do(creds{bearer: testToken}, "POST", "/api/v1/events/1/alert", map[string]any{"hood": "h1",
		"text": "Someone at the gate", "category": "suspicious", "lat": 40.7128, "lon": -74.006,
		"start": "2026-03-01T11:49:58Z", "end": "2026-03-01T11:50:40Z"})
	wantStatus(t, "confirm", code, 201, body)
	var a Alert
	if err := json.Unmarshal(body, &a); err != nil || a.Clip == nil || a.Clip.Camera != "front" {
		t.Fatalf("confirm answered %s (%v), want the alert with front's clip", body, err)
	}
	d := f.drafts[0]
	want := fmt.Sprint("h1 Someone at the gate suspicious front ", *tp("2026-03-01T11:49:58Z"), " ", *tp("2026-03-01T11:50:40Z"))
	if got := fmt.Sprint(d.Hood, " ", d.Text, " ", d.Category, " ", d.Camera, " ", d.Start, " ", d.End); got != want || d.Lat == nil {
		t.Errorf("posted %q (lat %v), want %q with the place", got, d.Lat, want)
	}
	code, _, body = e.do(creds{bearer: testToken}, "POST", "/api/v1/events/1/alert", map[string]any{"text": "No clip this time"})
	wantStatus(t, "confirm without a clip", code, 201, body)
	if d := f.drafts[1]; d.Camera != "" || !d.Start.IsZero() {
		t.Errorf("posted %+v, want no clip", d)
	}

	plain := newHoodEnv(t, f, 0)
	code, _, body = plain.do(creds{bearer: testToken}, "GET", "/api/v1/events/1/alert", nil)
	wantStatus(t, "no EventAlerts", code, 503, body)
}
