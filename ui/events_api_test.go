package ui

import (
	"context"
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/porchlight/porchlight/internal/testutil"
)

// fakeEvents keeps events in memory and filters them as the recorder does.
type fakeEvents struct {
	mu    sync.Mutex
	evs   []Event // by ID
	snaps map[uint64][]byte
	subs  []chan Event
}

func (f *fakeEvents) Events(q EventQuery) ([]Event, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []Event
	for _, e := range slices.Backward(f.evs) {
		end := time.Unix(1<<40, 0)
		if e.End != nil {
			end = *e.End
		}
		if (q.Camera == "" || e.Camera == q.Camera) && (q.Kind == "" || e.Kind == q.Kind) &&
			(q.Before == 0 || e.ID < q.Before) && (q.End.IsZero() || e.Start.Before(q.End)) &&
			(q.Start.IsZero() || end.After(q.Start)) && len(out) < q.Limit {
			out = append(out, e)
		}
	}
	return out, nil
}

func (f *fakeEvents) EventSnapshot(id uint64) ([]byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if b, ok := f.snaps[id]; ok {
		return b, nil
	}
	return nil, Errorf(ErrNotFound, "event %d has no snapshot", id)
}

func (f *fakeEvents) SubscribeEvents(buffer int) (<-chan Event, func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	ch := make(chan Event, buffer)
	f.subs = append(f.subs, ch)
	return ch, func() {
		f.mu.Lock()
		defer f.mu.Unlock()
		if i := slices.Index(f.subs, ch); i >= 0 {
			f.subs = slices.Delete(f.subs, i, i+1)
		}
	}
}

func (f *fakeEvents) publish(e Event) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, ch := range f.subs {
		ch <- e
	}
}

func (f *fakeEvents) subscribers() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.subs)
}

func newEventsEnv(t *testing.T, f *fakeEvents) *authEnv {
	t.Helper()
	e := newAuthEnv(t)
	s := &Server{Listen: "127.0.0.1:0", DataDir: e.dir, Cameras: &fakeCameras{}, Events: f, Now: e.clock.Now}
	e.url = runServer(t, s)
	return e
}

func tp(s string) *time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return &t
}

// TestListEvents: the list is the contract's array (end null while open, snapshot a URL or null), newest
// first, filtered, paged with a Link header; viewers may read it; bad parameters are 400 naming the key.
func TestListEvents(t *testing.T) {
	snap := EventSnapshotURL(2)
	f := &fakeEvents{snaps: map[uint64][]byte{2: {0xff, 0xd8, 0xff, 0xd9}}, evs: []Event{
		{ID: 1, Camera: "front", Kind: "motion", Start: *tp("2026-12-01T10:00:00Z"), End: tp("2026-12-01T10:00:30Z"), Score: 0.4},
		{ID: 2, Camera: "back", Kind: "motion", Start: *tp("2026-12-01T11:00:00Z"), End: tp("2026-12-01T11:01:00Z"), Score: 0.9, Snapshot: &snap},
		{ID: 3, Camera: "front", Kind: "motion", Start: *tp("2026-12-01T12:00:00Z"), Score: 0.5},
	}}
	e := newEventsEnv(t, f)
	viewer := e.login("viewer", viewerPW)

	code, hdr, body := e.do(viewer, "GET", "/api/v1/events", nil)
	wantStatus(t, "list", code, 200, body)
	want := `[{"id":3,"camera":"front","kind":"motion","start":"2026-12-01T12:00:00Z","end":null,"score":0.5,"snapshot":null},` +
		`{"id":2,"camera":"back","kind":"motion","start":"2026-12-01T11:00:00Z","end":"2026-12-01T11:01:00Z","score":0.9,"snapshot":"/api/v1/events/2/snapshot.jpg"},` +
		`{"id":1,"camera":"front","kind":"motion","start":"2026-12-01T10:00:00Z","end":"2026-12-01T10:00:30Z","score":0.4,"snapshot":null}]`
	if strings.TrimSpace(string(body)) != want {
		t.Errorf("got %s\nwant %s", body, want)
	}
	if hdr.Get("Link") != "" {
		t.Errorf("a short page has Link %q, want none", hdr.Get("Link"))
	}

	ids := func(path string) ([]uint64, string) {
		t.Helper()
		code, hdr, body := e.do(viewer, "GET", path, nil)
		wantStatus(t, path, code, 200, body)
		var evs []Event
		if err := json.Unmarshal(body, &evs); err != nil {
			t.Fatal(err)
		}
		var out []uint64
		for _, ev := range evs {
			out = append(out, ev.ID)
		}
		return out, hdr.Get("Link")
	}
	for _, tc := range []struct {
		path string
		want []uint64
	}{
		{"/api/v1/events?camera=front", []uint64{3, 1}},
		{"/api/v1/events?start=2026-12-01T10:00:30Z&end=2026-12-01T11:30:00Z", []uint64{2}},
		{"/api/v1/events?kind=camera", nil},
	} {
		if got, _ := ids(tc.path); !slices.Equal(got, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.path, got, tc.want)
		}
	}
	got, link := ids("/api/v1/events?camera=front&limit=1")
	if !slices.Equal(got, []uint64{3}) || link != `</api/v1/events?before=3&camera=front&limit=1>; rel="next"` {
		t.Fatalf("first page: got %v, Link %q", got, link)
	}
	if got, _ := ids("/api/v1/events?before=3&camera=front&limit=1"); !slices.Equal(got, []uint64{1}) {
		t.Errorf("next page: got %v, want [1]", got)
	}

	for _, tc := range []struct{ path, want string }{
		{"/api/v1/events?start=today", `start: not an RFC 3339 time: \"today\"`},
		{"/api/v1/events?start=2026-12-01T10:00:00Z&end=2026-12-01T10:00:00Z", "end: must be after start"},
		{"/api/v1/events?limit=0", `limit: want 1 to 1000, got \"0\"`},
		{"/api/v1/events?before=x", `before: want an event id, got \"x\"`},
	} {
		code, _, body := e.do(viewer, "GET", tc.path, nil)
		wantStatus(t, tc.path, code, 400, body)
		if !strings.Contains(string(body), tc.want) {
			t.Errorf("%s: got %s, want it to contain %s", tc.path, body, tc.want)
		}
	}
	code, _, _ = e.do(creds{}, "GET", "/api/v1/events", nil)
	wantStatus(t, "without credentials", code, 401, nil)
}

// TestEventSnapshot: a stored snapshot is served as image/jpeg; none, or no such event, is 404.
func TestEventSnapshot(t *testing.T) {
	jpeg := []byte{0xff, 0xd8, 1, 2, 0xff, 0xd9}
	e := newEventsEnv(t, &fakeEvents{snaps: map[uint64][]byte{2: jpeg}})
	code, hdr, body := e.do(creds{bearer: testToken}, "GET", "/api/v1/events/2/snapshot.jpg", nil)
	wantStatus(t, "snapshot", code, 200, body)
	if string(body) != string(jpeg) || hdr.Get("Content-Type") != "image/jpeg" {
		t.Errorf("got %x as %q, want %x as image/jpeg", body, hdr.Get("Content-Type"), jpeg)
	}
	for _, p := range []string{"/api/v1/events/3/snapshot.jpg", "/api/v1/events/x/snapshot.jpg"} {
		code, _, body := e.do(creds{bearer: testToken}, "GET", p, nil)
		wantStatus(t, p, code, 404, body)
	}
}

// TestEventStream: an event published after the client connected arrives as one SSE event with the
// list's JSON; the subscription ends with the client.
func TestEventStream(t *testing.T) {
	f := &fakeEvents{}
	e := newEventsEnv(t, f)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	c := openSSE(t, ctx, e, "/api/v1/events/stream")
	if got := c.next(t); got != ": subscribed" {
		t.Fatalf("got %q, want the subscribed comment", got)
	}
	f.publish(Event{ID: 7, Camera: "front", Kind: "motion", Start: *tp("2026-12-01T12:00:00Z"), Score: 0.5})
	want := `event: event` + "\n" + `data: {"id":7,"camera":"front","kind":"motion","start":"2026-12-01T12:00:00Z","end":null,"score":0.5,"snapshot":null}`
	if got := c.next(t); got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
	cancel()
	testutil.WaitFor(t, 5*time.Second, "the subscription to end", func() bool { return f.subscribers() == 0 })
}

// FuzzEventQuery: the events list's parameters never panic the parser, and what it accepts is in range.
func FuzzEventQuery(f *testing.F) {
	f.Add("camera=front&start=2026-12-01T10:00:00Z&end=2026-12-01T11:00:00Z&limit=5&before=9&kind=motion")
	f.Add("limit=-1&before=0&start=x")
	f.Fuzz(func(t *testing.T, raw string) {
		v, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		q, err := eventQuery(v)
		if err != nil {
			return
		}
		if q.Limit < 1 || q.Limit > maxEventPage {
			t.Errorf("limit %d accepted", q.Limit)
		}
		if !q.Start.IsZero() && !q.End.IsZero() && !q.End.After(q.Start) {
			t.Errorf("range %s..%s accepted", q.Start, q.End)
		}
	})
}
