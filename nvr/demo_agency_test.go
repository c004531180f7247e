package nvr

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/porchlight/porchlight/recorder/mediatest"
	"github.com/porchlight/porchlight/ui"
)

// TestDemoAgencyRequest follows the demo's walk-through with the CLI (in process, through each node's
// config file and HTTP API): the agency posts a request near Elm Street 14; it reaches that home's inbox
// matching its camera, while Elm Street 16, 400 m away, holds it as no-match and not in its inbox; Elm
// Street 14 approves, and the agency receives a clip of the window that ffprobe reads.
func TestDemoAgencyRequest(t *testing.T) {
	mediatest.Require(t, "ffprobe")
	_, town, _ := startDemo(t, t.TempDir())
	near, far, agency := town.Homes[0], town.Homes[1], town.Agency
	// A request asks for the past only, and a home matches only footage it holds: wait for some.
	var from time.Time
	mediatest.WaitFor(t, 30*time.Second, "4 s recorded by Elm Street 14", func() bool {
		spans, err := near.Node.rec.Spans("front", "", time.Now().Add(-time.Hour), time.Now())
		if err != nil || len(spans) == 0 {
			return false
		}
		from = spans[0].Start
		return time.Since(from) > 4*time.Second
	})
	to := time.Now().Add(-time.Second)
	a := demoRequestArea
	id := runCLI(t, "request", "post", "--config", agency.Config, "--case", "DEMO-1", "--reason", "parcel theft",
		"--lat", fmt.Sprint(a.Lat), "--lon", fmt.Sprint(a.Lon), "--radius", fmt.Sprint(a.Radius),
		"--start", from.Format(time.RFC3339Nano), "--end", to.Format(time.RFC3339Nano))

	mediatest.WaitFor(t, 30*time.Second, "the request in Elm Street 14's inbox", func() bool {
		r, ok := findRequest(t, id, "request", "list", "--config", near.Config, "--json")
		if ok && (r.Status != "new" || !slices.Equal(r.Matches, []string{"front"})) {
			t.Fatalf("Elm Street 14 inbox: got status %q matches %v, want new, [front]", r.Status, r.Matches)
		}
		return ok
	})
	mediatest.WaitFor(t, 30*time.Second, "the request held by Elm Street 16", func() bool {
		r, ok := findRequest(t, id, "request", "list", "--config", far.Config, "--all", "--json")
		if ok && (r.Status != "no-match" || len(r.Matches) != 0) {
			t.Fatalf("Elm Street 16: got status %q matches %v, want no-match and none", r.Status, r.Matches)
		}
		return ok
	})
	if _, ok := findRequest(t, id, "request", "list", "--config", far.Config, "--json"); ok {
		t.Errorf("Elm Street 16's inbox holds request %s; want it only in the --all list", id)
	}

	runCLI(t, "request", "approve", "--config", near.Config, id, "--camera", "front")
	var sub ui.Submission
	mediatest.WaitFor(t, 60*time.Second, "the submission at the agency", func() bool {
		var ss []ui.Submission
		out := runCLI(t, "submission", "list", "--config", agency.Config, "--json")
		if err := json.Unmarshal([]byte(out), &ss); err != nil {
			t.Fatalf("submission list --json printed %q: %v", out, err)
		}
		for _, s := range ss {
			if s.Request == id {
				sub = s
				return true
			}
		}
		return false
	})
	if sub.Camera != "front" || sub.Case != "DEMO-1" || sub.Size <= 0 {
		t.Errorf("submission: got %+v, want camera front, case DEMO-1, some bytes", sub)
	}
	dir := t.TempDir()
	runCLI(t, "submission", "get", "--config", agency.Config, sub.ID, "-o", dir)
	want := to.Sub(from)
	if got := mediatest.ProbeFile(t, filepath.Join(dir, sub.ID+".mp4")).Duration(); got < want-2*time.Second ||
		got > want+time.Second {
		t.Errorf("delivered clip: got %s, want about %s (the request's window)", got, want)
	}
}

// findRequest runs a `request list --json` command and returns the request with the ID, if listed.
func findRequest(t *testing.T, id string, args ...string) (ui.Request, bool) {
	t.Helper()
	var rs []ui.Request
	out := runCLI(t, args...)
	if err := json.Unmarshal([]byte(out), &rs); err != nil {
		t.Fatalf("%s printed %q: %v", strings.Join(args[:2], " "), out, err)
	}
	for _, r := range rs {
		if r.ID == id {
			return r, true
		}
	}
	return ui.Request{}, false
}

// runCLI runs `porchlight args...` in process and returns its stdout without surrounding space; a
// non-zero exit fails the test.
func runCLI(t *testing.T, args ...string) string {
	t.Helper()
	var out, errOut strings.Builder
	if code := Main(args, &out, &errOut); code != 0 {
		t.Fatalf("porchlight %s: exit %d, stderr: %s", strings.Join(args, " "), code, errOut.String())
	}
	return strings.TrimSpace(out.String())
}
