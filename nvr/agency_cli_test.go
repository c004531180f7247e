package nvr_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/porchlight/porchlight/internal/testutil"
	"github.com/porchlight/porchlight/recorder/mediatest"
)

// Where the test's cameras are: A's and B's 50 m apart on one street, C's about 1.1 km north; all inside
// the agency's 2 km scope around A.
const (
	latA, lonA = 40.7128, -74.0060
	latB, lonB = 40.7128, -74.0054
	latC, lonC = 40.7228, -74.0060
)

const deliverProto = "/porchlight/deliver/1.0.0"

// agencyRequest is the part of an entry of `request list --json` the test reads.
type agencyRequest struct {
	ID          string `json:"id"`
	Agency      string `json:"agency"`
	Status      string `json:"status"`
	Submissions int64  `json:"submissions"`
}

// TestAgencyRequestCLI runs issue 5 end to end with separate processes driven through the CLI: an agency
// asks a hood of three homes for footage; the two homes whose cameras see the area find it in their inbox,
// one declines and one approves; the agency receives exactly one clip that plays and matches its manifest,
// learns nothing of the homes that did not send one, and every node can audit the agency's log.
func TestAgencyRequestCLI(t *testing.T) {
	mediatest.Require(t, "ffprobe", "ffmpeg")
	agency := newHoodNode(t, "Metro PD", "agency", nil)
	a := newHoodNode(t, "Elm Street 12", "household", withCamera(t, latA, lonA))
	b := newHoodNode(t, "Elm Street 14", "household", withCamera(t, latB, lonB))
	c := newHoodNode(t, "Oak Lane 3", "household", withCamera(t, latC, lonC))
	nodes := []*hoodNode{agency, a, b, c}
	for _, n := range nodes {
		n.start(t)
	}

	a.line(t, "hood create", "--name", "Elm Street")
	b.cli(t, "hood join", a.line(t, "hood invite"))
	c.cli(t, "hood join", a.line(t, "hood invite"))
	agency.cli(t, "hood join", a.line(t, "hood invite", "--role", "agency", "--scope-lat", ftoa(latA),
		"--scope-lon", ftoa(lonA), "--scope-radius", "2000"))
	for _, n := range nodes {
		testutil.WaitForState(t, 20*time.Second, n.name+" to list all 4 members", func() (bool, string) {
			m := n.members(t)
			return len(m) == 4, fmt.Sprintf("%d members: %+v", len(m), m)
		})
	}
	agencyID := agency.id(t)
	// A's traces are the control: the agency rightly holds them, so the scans below must find them.
	hidden, shown := secretsOf(t, b, c), secretsOf(t, a)

	// The window: 5 s that every home recorded (C is left out by place alone), over before the post.
	var start, end time.Time
	spans := ""
	for i, n := range []*hoodNode{a, b, c} {
		s, e := recordedSpan(t, n, 8*time.Second)
		if i == 0 {
			start, end = s, e
		}
		start, end = maxTime(start, s), minTime(end, e)
		spans += fmt.Sprintf(" %s: %s – %s;", n.name, s.Format(time.StampMilli), e.Format(time.StampMilli))
	}
	end = end.Add(-time.Second).Truncate(time.Second)
	if start.After(end.Add(-5 * time.Second)) {
		t.Fatalf("the homes' latest recorded spans overlap only in %s – %s, want 5 s:%s", start, end, spans)
	}
	start = end.Add(-5 * time.Second)
	id := agency.line(t, "request post", "--case", "2026-000123", "--reason", "Package theft on Elm Street",
		"--category", "theft", "--lat", ftoa(latA), "--lon", ftoa((lonA+lonB)/2), "--radius", "100",
		"--start", start.Format(time.RFC3339), "--end", end.Format(time.RFC3339))
	logFrom := fileSize(t, agency.log)

	for _, n := range []*hoodNode{a, b} {
		testutil.WaitForState(t, 20*time.Second, n.name+" to have the request in its inbox", func() (bool, string) {
			rs := requestList(t, n)
			return hasRequest(rs, id), fmt.Sprintf("%+v", rs)
		})
	}
	testutil.WaitForState(t, 20*time.Second, "C to hold the request", func() (bool, string) {
		rs := requestList(t, c, "--all")
		return hasRequest(rs, id), fmt.Sprintf("%+v", rs)
	})
	if rs := requestList(t, c); hasRequest(rs, id) {
		t.Errorf("C's inbox: got %+v, want no request %s (its camera is 1.1 km away)", rs, id)
	}

	b.cli(t, "request decline", id)
	a.line(t, "request approve", id, "--camera", "front")
	wantFails(t, b, "request approve", "declined", id, "--camera", "front")

	var subs []struct {
		ID   string `json:"id"`
		Size int64  `json:"size"`
	}
	testutil.WaitForState(t, 30*time.Second, "the agency to receive a submission", func() (bool, string) {
		out := agency.cli(t, "submission list", "--json")
		subs = nil
		err := json.Unmarshal([]byte(out), &subs)
		return err == nil && len(subs) > 0, out
	})
	if len(subs) != 1 {
		t.Fatalf("agency's submissions: got %+v, want exactly 1 (B declined, C had no match)", subs)
	}
	dir := t.TempDir()
	agency.line(t, "submission get", subs[0].ID, "-o", dir)
	clip, manifest := filepath.Join(dir, subs[0].ID+".mp4"), filepath.Join(dir, subs[0].ID+".manifest.json")
	checkClip(t, clip, manifest)

	checkEgress(t, a, b, subs[0].Size)

	// 9.7 km north of A: outside the 2 km scope.
	wantFails(t, agency, "request post", "scope", "--case", "2026-000124", "--reason", "outside the scope",
		"--lat", "40.80", "--lon", ftoa(lonA), "--radius", "100",
		"--start", start.Format(time.RFC3339), "--end", end.Format(time.RFC3339))

	testutil.WaitForState(t, 10*time.Second, "the agency to list its request with 1 submission", func() (bool, string) {
		rs := requestList(t, agency)
		return len(rs) == 1 && rs[0].ID == id && rs[0].Submissions == 1, fmt.Sprintf("%+v", rs)
	})
	testutil.WaitForState(t, 20*time.Second, "C's transparency report: 1 request, 1 submission", func() (bool, string) {
		out := c.cli(t, "transparency", "--json")
		var ms []struct {
			Agency      string `json:"agency"`
			Requests    int    `json:"requests"`
			Submissions int    `json:"submissions"`
		}
		_ = json.Unmarshal([]byte(out), &ms)
		return len(ms) == 1 && ms[0].Agency == agencyID && ms[0].Requests == 1 && ms[0].Submissions == 1, out
	})
	for _, n := range nodes {
		if out, errOut, err := n.try(t, "log verify"); err != nil {
			t.Errorf("%s: log verify: got %v (stdout %q, stderr %q), want exit 0", n.name, err, out, errOut)
		}
	}

	// What the agency can see names neither B nor C.
	for _, words := range []string{"request list", "submission list", "transparency"} {
		wantNone(t, "agency's "+words+" --json", hidden.foundIn([]byte(agency.cli(t, words, "--json"))))
	}
	m, err := os.ReadFile(manifest)
	if err != nil {
		t.Fatal(err)
	}
	wantNone(t, "the custody manifest", hidden.foundIn(m))
	if len(shown.foundIn(m)) == 0 {
		t.Errorf("the custody manifest %s: got no trace of A, want its member ID as the owner", m)
	}

	var wg sync.WaitGroup
	for _, n := range nodes {
		wg.Go(func() { n.stop(t) })
	}
	wg.Wait()
	wantNone(t, "agency's serve log after the post", hidden.foundIn(readFrom(t, agency.log, logFrom)))
	db := filepath.Join(agency.dir, "data", "federation.db")
	buckets := []string{"requests", "submissions", "agencylog"}
	wantNone(t, db, hidden.foundInBolt(t, db, buckets...))
	if len(shown.foundInBolt(t, db, "submissions")) == 0 {
		t.Errorf("%s: got no trace of A in bucket submissions, want its key in the approval", db)
	}
}

// withCamera gives a node camera "front" at lat, lon, recording a demo camera of its own.
func withCamera(t *testing.T, lat, lon float64) func(cfg map[string]any) {
	cam := startClipCamera(t, nil)
	return func(cfg map[string]any) {
		cfg["cameras"] = []any{map[string]any{"name": "front", "url": cam.URL(),
			"location": map[string]any{"lat": lat, "lon": lon}}}
	}
}

// recordedSpan waits until the latest recorded span of n's camera "front" holds at least d.
func recordedSpan(t *testing.T, n *hoodNode, d time.Duration) (start, end time.Time) {
	t.Helper()
	testutil.WaitForState(t, 40*time.Second, fmt.Sprintf("%s of %s's camera recorded", d, n.name), func() (bool, string) {
		var spans []struct{ Start, End time.Time }
		b := n.get(t, "/api/v1/cameras/front/recordings")
		if json.Unmarshal(b, &spans) != nil || len(spans) == 0 {
			return false, string(b)
		}
		start, end = spans[len(spans)-1].Start, spans[len(spans)-1].End
		return end.Sub(start) >= d, string(b)
	})
	return start, end
}

// requestList runs `request list --json` with args.
func requestList(t *testing.T, n *hoodNode, args ...string) []agencyRequest {
	t.Helper()
	var rs []agencyRequest
	if out := n.cli(t, "request list", append(args, "--json")...); json.Unmarshal([]byte(out), &rs) != nil {
		t.Fatalf("%s: request list %s --json printed %q, want a JSON array", n.name, strings.Join(args, " "), out)
	}
	return rs
}

func hasRequest(rs []agencyRequest, id string) bool {
	for _, r := range rs {
		if r.ID == id {
			return true
		}
	}
	return false
}

// wantFails expects `porchlight words args` on n to fail with one line "porchlight: ..." containing word.
func wantFails(t *testing.T, n *hoodNode, words, word string, args ...string) {
	t.Helper()
	out, errOut, err := n.try(t, words, args...)
	if msg := strings.TrimSpace(errOut); err == nil || !strings.HasPrefix(msg, "porchlight: ") ||
		strings.Contains(msg, "\n") || !strings.Contains(msg, word) {
		t.Errorf("%s: %s: got exit %v, stdout %q, stderr %q; want a non-zero exit and one line "+
			"\"porchlight: ...%s...\"", n.name, words, err, out, errOut, word)
	}
}
