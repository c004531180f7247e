package recorder

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/porchlight/porchlight/internal/testutil"
	"github.com/porchlight/porchlight/recorder/democam"
)

// TestEventRetention records a real camera to disk with an event in it: footage around the event goes
// at max_age while the segments the event overlaps stay, and go once the camera's events_max_age comes
// down to max_age. The deletion metrics say why.
func TestEventRetention(t *testing.T) {
	cam := &democam.Server{Addr: "127.0.0.1:0"} // a keyframe every 2 s: segments of about 2 s
	if err := cam.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cam.Close)
	const maxAge = 4 * time.Second
	r, err := New(Config{DataDir: t.TempDir(), SegmentDuration: time.Second, RetentionInterval: 100 * time.Millisecond,
		Retention: Limits{MaxAge: maxAge, EventsMaxAge: time.Hour},
		Cameras:   []CameraConfig{{Name: "front", URL: cam.URL()}}})
	if err != nil {
		t.Fatal(err)
	}
	ev := span{time.Now().Add(4 * time.Second), time.Now().Add(5 * time.Second)} // pre- and post-roll included
	r.keeper = &fakeKeeper{spans: map[string][]span{"front": {ev}}}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { _ = r.Run(ctx) })
	t.Cleanup(func() { cancel(); wg.Wait(); r.Close() })

	recorded := func(start, end time.Time) time.Duration {
		spans, err := r.Spans("front", "", start, end)
		if err != nil {
			t.Fatal(err)
		}
		var d time.Duration
		for _, s := range spans {
			d += s.End.Sub(s.Start)
		}
		return d
	}
	// Continuous footage a segment (2 s) and more away from the event, before and after it, older than
	// max_age and a segment: deleted.
	before := span{ev.start.Add(-10 * time.Second), ev.start.Add(-3 * time.Second)}
	after := span{ev.end.Add(3 * time.Second), ev.end.Add(6 * time.Second)}
	testutil.WaitForState(t, 60*time.Second, "continuous footage around the event to be deleted", func() (bool, string) {
		newest := recorded(after.end.Add(maxAge+3*time.Second), after.end.Add(time.Hour))
		b, a := recorded(before.start, before.end), recorded(after.start, after.end)
		return newest > 0 && b == 0 && a == 0, fmt.Sprintf("before %s, after %s, newer than due %s", b, a, newest)
	})
	if got := recorded(ev.start, ev.end); got < ev.end.Sub(ev.start)-100*time.Millisecond {
		t.Fatalf("event footage: got %s of %s recorded, want all of it kept", got, ev.end.Sub(ev.start))
	}
	// Segments are whole files: those the event overlaps are kept whole, beyond the event.
	if got := recorded(before.end, after.start); got <= ev.end.Sub(ev.start) {
		t.Errorf("footage kept around the event: got %s, want the whole segments it overlaps, more than the event", got)
	}

	// events_max_age down to max_age: the event footage goes too.
	if err := r.SetCameras([]CameraConfig{{Name: "front", URL: cam.URL(), Retention: Limits{EventsMaxAge: maxAge}}}); err != nil {
		t.Fatal(err)
	}
	testutil.WaitFor(t, 30*time.Second, "event footage to be deleted at events_max_age", func() bool {
		return recorded(ev.start, ev.end) == 0
	})

	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(r.Collector())
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, mf := range mfs {
		if mf.GetName() != "porchlight_recorder_retention_deleted_segments_total" {
			continue
		}
		for _, m := range mf.GetMetric() {
			l := map[string]string{}
			for _, p := range m.GetLabel() {
				l[p.GetName()] = p.GetValue()
			}
			got[l["reason"]+"/"+l["footage"]] += m.GetCounter().GetValue()
		}
	}
	if got["max_age/continuous"] < 2 || got["events_max_age/event"] < 1 {
		t.Errorf("deleted segments by reason/footage: got %v, want continuous ones at max_age, event ones at events_max_age", got)
	}
}
