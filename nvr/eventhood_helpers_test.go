package nvr_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/porchlight/porchlight/internal/testutil"
	"github.com/porchlight/porchlight/nvr"
	"github.com/porchlight/porchlight/recorder/democam"
	"github.com/porchlight/porchlight/recorder/mediatest"
)

// startEventHome runs a household in-process whose camera front, at (lat, -74.006), loops clip with
// motion detection (post_roll 2 s). Its API listens on a fixed free port, so the CLI finds it through
// the config, whose path is the third result.
func startEventHome(t *testing.T, clip *democam.Clip, name string, lat float64) (base, password, cfg string) {
	t.Helper()
	cam := startClipCamera(t, clip)
	res, err := nvr.Init(t.TempDir(), nvr.RoleHousehold, name)
	if err != nil {
		t.Fatal(err)
	}
	base, password = runInitNode(t, res, func(b []byte) []byte {
		b = regexp.MustCompile(`listen: 127\.0\.0\.1:7480`).ReplaceAll(b, fmt.Appendf(nil, "listen: 127.0.0.1:%d", mediatest.FreePort(t)))
		return regexp.MustCompile(`(?m)^cameras: \[\]`).ReplaceAll(b, fmt.Appendf(nil, "cameras:\n  - name: front\n    url: %s\n"+
			"    location: {lat: %v, lon: -74.006}\n    motion: {post_roll: 2s}\n", cam.URL(), lat))
	})
	return base, password, res.ConfigPath
}

// mustDo sends a request, expects status and decodes the answer into out (nil: ignored).
func mustDo(t *testing.T, s *apiSession, method, path string, body any, status int, out any) {
	t.Helper()
	got, b, _ := s.do(method, path, body)
	if got != status {
		t.Fatalf("%s %s: got status %d (%s), want %d", method, path, got, b, status)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: %v (%s)", method, path, err, b)
		}
	}
}

func alertsOf(t *testing.T, s *apiSession) []matchedAlert {
	t.Helper()
	var as []matchedAlert
	mustDo(t, s, "GET", "/api/v1/alerts", nil, http.StatusOK, &as)
	return as
}

// closedEvent waits for a closed motion event of camera front.
func closedEvent(t *testing.T, s *apiSession) apiEvent {
	t.Helper()
	var found apiEvent
	testutil.WaitFor(t, 60*time.Second, "a closed event of front", func() bool {
		var evs []apiEvent
		mustDo(t, s, "GET", "/api/v1/events?camera=front", nil, http.StatusOK, &evs)
		for _, e := range evs {
			if e.End != nil {
				found = e
				return true
			}
		}
		return false
	})
	return found
}

// waitRecorded waits until camera front's recordings reach t.
func waitRecorded(t *testing.T, s *apiSession, until time.Time) {
	t.Helper()
	testutil.WaitFor(t, 30*time.Second, "front recorded to "+until.Format(time.RFC3339Nano), func() bool {
		var spans []struct{ Start, End time.Time }
		mustDo(t, s, "GET", "/api/v1/cameras/front/recordings", nil, http.StatusOK, &spans)
		return len(spans) > 0 && !spans[len(spans)-1].End.Before(until)
	})
}

// metric reads one sample of the node's /metrics (0 when absent).
func metric(t testing.TB, base, sample string) float64 {
	t.Helper()
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.SplitSeq(string(raw), "\n") {
		if v, ok := strings.CutPrefix(line, sample+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatalf("metric %s: %q", sample, line)
			}
			return f
		}
	}
	return 0
}
