package nvr_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/porchlight/porchlight/recorder/mediatest"
)

// apiEvent is an event as GET /api/v1/events lists it.
type apiEvent struct {
	ID       uint64     `json:"id"`
	Camera   string     `json:"camera"`
	Kind     string     `json:"kind"`
	Start    time.Time  `json:"start"`
	End      *time.Time `json:"end"`
	Score    float64    `json:"score"`
	Snapshot *string    `json:"snapshot"`
}

// TestServeEvents runs a real `porchlight serve` recording a camera that alternates still and moving
// pictures: an SSE client sees a motion event open, the API lists it closed, and the CLI prints it as a
// table and as JSON.
func TestServeEvents(t *testing.T) {
	cam := startMotionCamera(t)
	cfgPath, base, tok := initNode(t, "    url: "+cam.URL()+"\n    motion: {post_roll: 2s}\n", nil)
	startServe(t, cfgPath)

	// An SSE client sees an event open (end null).
	req, _ := http.NewRequestWithContext(t.Context(), "GET", base+"/api/v1/events/stream", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("events/stream: %s %q", resp.Status, resp.Header.Get("Content-Type"))
	}
	opened := make(chan apiEvent, 1)
	go func() {
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			data, ok := strings.CutPrefix(sc.Text(), "data: ")
			var e apiEvent
			if ok && json.Unmarshal([]byte(data), &e) == nil && e.End == nil {
				opened <- e
				return
			}
		}
	}()
	var open apiEvent
	select {
	case open = <-opened:
	case <-time.After(60 * time.Second):
		t.Fatal("no event opened on the SSE stream within 60s")
	}
	if open.Camera != "front" || open.Kind != "motion" || open.ID == 0 {
		t.Errorf("opened %+v, want a motion event of front", open)
	}

	// The API lists it, closed once the motion has stopped for the post-roll.
	var listed []apiEvent
	mediatest.WaitFor(t, 30*time.Second, "the event to close", func() bool {
		resp, b := apiGet(t, base, tok, "/api/v1/events?camera=front")
		if resp.StatusCode != 200 {
			t.Fatalf("events: %s %s", resp.Status, b)
		}
		if err := json.Unmarshal(b, &listed); err != nil {
			t.Fatal(err)
		}
		for _, e := range listed {
			if e.ID == open.ID {
				return e.End != nil
			}
		}
		return false
	})

	table := run(t, "events", "--config", cfgPath, "--camera", "front", "--since", "1h")
	if !regexp.MustCompile(fmt.Sprintf(`(?m)^%d\s+front\s+motion\s`, open.ID)).MatchString(table) {
		t.Errorf("events table:\n%s\nwant a row for event %d", table, open.ID)
	}
	var fromCLI []apiEvent
	if err := json.Unmarshal([]byte(run(t, "events", "--config", cfgPath, "--json")), &fromCLI); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range fromCLI {
		found = found || (e.ID == open.ID && e.End != nil && e.Camera == "front")
	}
	if !found {
		t.Errorf("events --json: %+v, want closed event %d", fromCLI, open.ID)
	}

	// A bad range fails with one line and a non-zero exit.
	bad := exec.Command(porchlightBin(t), "events", "--config", cfgPath, "--since", "1h", "--start", "2026-01-01T00:00:00Z")
	if msg, err := bad.CombinedOutput(); err == nil || string(msg) != "porchlight: events: give --since or --start and --end, not both\n" {
		t.Errorf("events with --since and --start: err %v, output %q", err, msg)
	}
	if resp, b := apiGet(t, base, tok, "/metrics"); resp.StatusCode != 200 ||
		!strings.Contains(string(b), `porchlight_events_total{camera="front",kind="motion"}`) {
		t.Errorf("metrics: %s, want porchlight_events_total for front", resp.Status)
	}

	// Turning detection off through the camera API applies without restarting the camera: no event opens
	// over more than a whole loop of the clip (10 s), and the camera does not reconnect.
	reconnects := cameraField(t, base, tok, func(c camState) any { return c.Reconnects })
	put := fmt.Sprintf(`{"name":"front","url":%q,"transport":"tcp","enabled":true,"motion":{"enabled":false}}`, cam.URL())
	req, _ = http.NewRequest("PUT", base+"/api/v1/config/cameras/front", strings.NewReader(put))
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/json")
	presp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	presp.Body.Close()
	if presp.StatusCode != 200 {
		t.Fatalf("PUT camera with motion off: %s", presp.Status)
	}
	if b, _ := os.ReadFile(cfgPath); !regexp.MustCompile(`motion: \{[^}]*\benabled: false, sensitivity: 0.5,`).Match(b) {
		t.Errorf("config file after PUT:\n%s\nwant motion.enabled: false", b)
	}
	since := time.Now().Add(time.Second) // the detector applies it at its next tick
	mediatest.WaitFor(t, 40*time.Second, "12 s of frames after the change", func() bool {
		return cameraField(t, base, tok, func(c camState) any { return c.LastFrame }).(time.Time).After(since.Add(12 * time.Second))
	})
	_, b := apiGet(t, base, tok, "/api/v1/events?camera=front&start="+since.UTC().Format(time.RFC3339Nano))
	var after []apiEvent
	if err := json.Unmarshal(b, &after); err != nil {
		t.Fatal(err)
	}
	for _, e := range after {
		if e.Start.After(since) {
			t.Errorf("event %+v opened with detection off", e)
		}
	}
	if got := cameraField(t, base, tok, func(c camState) any { return c.Reconnects }); got != reconnects {
		t.Errorf("reconnects %v -> %v: the camera restarted", reconnects, got)
	}
}

// camState is the part of GET /api/v1/cameras these tests read.
type camState struct {
	Name, Stream string
	Reconnects   uint64    `json:"reconnects"`
	LastFrame    time.Time `json:"last_frame"`
}

// cameraField returns f of the main stream of camera front.
func cameraField(t *testing.T, base, tok string, f func(camState) any) any {
	t.Helper()
	resp, b := apiGet(t, base, tok, "/api/v1/cameras")
	var cams []camState
	if err := json.Unmarshal(b, &cams); resp.StatusCode != 200 || err != nil {
		t.Fatalf("cameras: %s %s", resp.Status, b)
	}
	for _, c := range cams {
		if c.Name == "front" && c.Stream == "main" {
			return f(c)
		}
	}
	t.Fatalf("no main stream of front in %s", b)
	return nil
}
