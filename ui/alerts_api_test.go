package ui

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/porchlight/porchlight/internal/testutil"
)

// TestPostAlertValidation: each rule of an alert refuses with 400 naming the key, and nothing is posted.
func TestPostAlertValidation(t *testing.T) {
	f := newFakeHoods()
	e := newHoodEnv(t, f, 0)
	start := "2026-11-27T08:59:30Z"
	tests := []struct {
		name string
		body map[string]any
		want string
	}{
		{"no text", map[string]any{"text": " \n "}, "text: want 1 to 2000 characters, got 0"},
		{"long text", map[string]any{"text": strings.Repeat("é", 2001)}, "text: want 1 to 2000 characters, got 2001"},
		{"unknown category", map[string]any{"text": "x", "category": "ufo"}, `category: \"ufo\" is not one of theft, suspicious, safety, lost-pet, other`},
		{"lat without lon", map[string]any{"text": "x", "lat": 40.7}, "lat, lon: give both or neither"},
		{"lon without lat", map[string]any{"text": "x", "lon": -74}, "lat, lon: give both or neither"},
		{"lat out of range", map[string]any{"text": "x", "lat": 90.5, "lon": 0}, "lat: 90.5 is not between -90 and 90"},
		{"lon out of range", map[string]any{"text": "x", "lat": 0, "lon": -180.01}, "lon: -180.01 is not between -180 and 180"},
		{"camera without times", map[string]any{"text": "x", "camera": "front"}, "camera, start, end: give all three for a clip, or none"},
		{"times without camera", map[string]any{"text": "x", "start": start, "end": "2026-11-27T09:00:00Z"}, "camera, start, end: give all three"},
		{"start without end", map[string]any{"text": "x", "camera": "front", "start": start}, "camera, start, end: give all three"},
		{"unknown camera", map[string]any{"text": "x", "camera": "back", "start": start, "end": "2026-11-27T09:00:00Z"}, `camera: no camera named \"back\"`},
		{"end before start", map[string]any{"text": "x", "camera": "front", "start": start, "end": start}, "end: must be after start"},
		{"clip too long", map[string]any{"text": "x", "camera": "front", "start": start, "end": "2026-11-27T09:09:31Z"}, "end: the clip is 10m1s long, at most 10m0s"},
		{"bad time", map[string]any{"text": "x", "camera": "front", "start": "yesterday", "end": start}, "request body"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, body := e.do(creds{bearer: testToken}, "POST", "/api/v1/alerts", tt.body)
			wantStatus(t, "POST /api/v1/alerts", code, 400, body)
			if !strings.Contains(string(body), tt.want) {
				t.Errorf("got body %s, want it to contain %s", body, tt.want)
			}
		})
	}
	if len(f.drafts) != 0 {
		t.Errorf("got drafts %+v, want none posted", f.drafts)
	}
}

// TestPostAndListAlerts: a valid alert reaches the Neighborhood as a draft (category defaulted, text
// trimmed); the list answers newest first and honours since.
func TestPostAndListAlerts(t *testing.T) {
	f := newFakeHoods()
	e := newHoodEnv(t, f, 0)
	admin := e.login("admin", e.adminPW)
	runHoodSteps(t, e, admin, []hoodStep{
		{"no alerts", "GET", "/api/v1/alerts", nil, 200, "[]"},
		{"plain", "POST", "/api/v1/alerts", map[string]any{"hood": "h1", "text": " Van idling \n"}, 201, `"id":"a1","hood":"h1","author":"self","author_name":"Elm Street 12","category":"other","text":"Van idling","time":"2026-11-27T09:00:00Z","mine":true}`},
		{"full", "POST", "/api/v1/alerts", map[string]any{"hood": "h1", "text": "Parcel taken", "category": "theft",
			"lat": 40.7128, "lon": -74.006, "camera": "front", "start": "2026-11-27T08:59:30Z", "end": "2026-11-27T09:09:30Z"}, 201,
			`"lat":40.7128,"lon":-74.006,"clip":{"camera":"front","start":"2026-11-27T08:59:30Z","end":"2026-11-27T09:09:30Z","size":100000}`},
		{"other hood", "POST", "/api/v1/alerts", map[string]any{"hood": "h2", "text": "Lost cat", "category": "lost-pet"}, 201, `"id":"a3"`},
		{"bad since", "GET", "/api/v1/alerts?since=today", nil, 400, `since: not an RFC 3339 time: \"today\"`},
	})
	d := f.drafts[1]
	if d.Category != "theft" || *d.Lat != 40.7128 || *d.Lon != -74.006 || d.Camera != "front" || d.End.Sub(d.Start) != 10*time.Minute {
		t.Errorf("got draft %+v, want the theft with place and a 10 min clip of front", d)
	}
	for _, tt := range []struct{ query, want string }{
		{"", "a3 a2 a1"},
		{"?hood=h1", "a2 a1"},
		{"?since=2026-11-27T09:00:00Z", "a3 a2"},
	} {
		code, _, body := e.do(admin, "GET", "/api/v1/alerts"+tt.query, nil)
		wantStatus(t, "GET /api/v1/alerts"+tt.query, code, 200, body)
		var got []Alert
		decodeJSONBody(t, body, &got)
		ids := make([]string, len(got))
		for i, a := range got {
			ids[i] = a.ID
		}
		if strings.Join(ids, " ") != tt.want {
			t.Errorf("GET /api/v1/alerts%s: got %v, want %s", tt.query, ids, tt.want)
		}
	}
}

// sseClient is an open alert stream.
type sseClient struct {
	resp *http.Response
	rd   *bufio.Reader
}

// openAlertStream connects to the alert stream as the CLI token; the stream closes when ctx ends.
func openAlertStream(t *testing.T, ctx context.Context, e *authEnv) *sseClient {
	t.Helper()
	return openSSE(t, ctx, e, "/api/v1/alerts/stream")
}

// openSSE connects to an event stream at path as the CLI token; the stream closes when ctx ends.
func openSSE(t *testing.T, ctx context.Context, e *authEnv, path string) *sseClient {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, "GET", e.url+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+testToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("got status %d, Content-Type %q; want 200 text/event-stream", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	return &sseClient{resp: resp, rd: bufio.NewReader(resp.Body)}
}

// next reads the next event or comment (the lines up to a blank one), failing the test on an error.
func (c *sseClient) next(t *testing.T) string {
	t.Helper()
	var lines []string
	for {
		line, err := c.rd.ReadString('\n')
		if err != nil {
			t.Fatalf("reading the stream after %q: %v", lines, err)
		}
		if line == "\n" {
			return strings.Join(lines, "\n")
		}
		lines = append(lines, strings.TrimSuffix(line, "\n"))
	}
}

// TestAlertStream: an alert posted after the client connected arrives as one event; the subscription
// ends when the client goes.
func TestAlertStream(t *testing.T) {
	f := newFakeHoods()
	e := newHoodEnv(t, f, time.Hour)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second) // a deadline for every read
	defer cancel()
	c := openAlertStream(t, ctx, e)
	if got := c.next(t); got != ": subscribed" {
		t.Fatalf("got first block %q, want the : subscribed comment", got)
	}
	code, _, body := e.do(creds{bearer: testToken}, "POST", "/api/v1/alerts", map[string]any{"text": "Smoke on 5th", "category": "safety"})
	wantStatus(t, "POST /api/v1/alerts", code, 201, body)
	got := c.next(t)
	want := "event: alert\ndata: " + strings.TrimSpace(string(body))
	if got != want {
		t.Errorf("got event %q, want %q", got, want)
	}
	cancel()
	testutil.WaitForState(t, 5*time.Second, "no subscriber after the client left", func() (bool, string) {
		n := f.subscribers()
		return n == 0, fmt.Sprintf("%d subscribers", n)
	})
}

// TestAlertStreamKeepalive: an idle stream carries comment lines.
func TestAlertStreamKeepalive(t *testing.T) {
	e := newHoodEnv(t, newFakeHoods(), time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c := openAlertStream(t, ctx, e)
	c.next(t) // subscribed
	if got := c.next(t); got != ": keepalive" {
		t.Errorf("got %q, want a : keepalive comment", got)
	}
}

// TestAlertClip: the clip streams with its type and length; an alert without one is 404 with the reason.
func TestAlertClip(t *testing.T) {
	f := newFakeHoods()
	e := newHoodEnv(t, f, 0)
	code, _, body := e.do(creds{bearer: testToken}, "POST", "/api/v1/alerts", map[string]any{"text": "x",
		"camera": "front", "start": "2026-11-27T08:59:30Z", "end": "2026-11-27T09:00:00Z"})
	wantStatus(t, "post", code, 201, body)
	viewer := e.login("viewer", viewerPW)
	code, hdr, body := e.do(viewer, "GET", "/api/v1/alerts/a1/clip.mp4", nil)
	wantStatus(t, "clip", code, 200, body)
	if !bytes.Equal(body, bytes.Repeat([]byte("0123456789"), 10_000)) || hdr.Get("Content-Type") != "video/mp4" ||
		hdr.Get("Content-Length") != "100000" {
		t.Errorf("got %d bytes, Content-Type %q, Content-Length %q; want the 100000 bytes of the clip as video/mp4 with their length",
			len(body), hdr.Get("Content-Type"), hdr.Get("Content-Length"))
	}
	code, _, body = e.do(viewer, "GET", "/api/v1/alerts/a9/clip.mp4", nil)
	wantStatus(t, "clip of an unknown alert", code, 404, body)
	if want := `{"error":"alert \"a9\" has no clip: not found"}`; strings.TrimSpace(string(body)) != want {
		t.Errorf("got %s, want %s", body, want)
	}
}
