package recorder_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/porchlight/porchlight/internal/testutil"
	"github.com/porchlight/porchlight/recorder"
)

// TestEventRetention records a real camera to disk with an event in it: footage around the event goes
// at max_age while the segments the event overlaps stay, and go once the camera's events_max_age comes
// down to max_age. The deletion metrics say why.
func TestEventRetention(t *testing.T) {
	cam := startCamera(t, nil, nil) // a keyframe every 2 s: segments of about 2 s
	const maxAge = 4 * time.Second
	r := startRecorder(t, recorder.Config{SegmentDuration: time.Second, RetentionInterval: 100 * time.Millisecond,
		Retention: recorder.Limits{MaxAge: maxAge, EventsMaxAge: time.Hour},
		Cameras:   []recorder.CameraConfig{{Name: "front", URL: cam.URL()}}})
	evStart, evEnd := time.Now().Add(4*time.Second), time.Now().Add(5*time.Second) // pre- and post-roll included
	recorder.SetEventSpans(r, map[string][][2]time.Time{"front": {{evStart, evEnd}}})

	// Continuous footage a segment (2 s) and more away from the event, before and after it, older than
	// max_age and a segment: deleted.
	beforeStart, beforeEnd := evStart.Add(-10*time.Second), evStart.Add(-3*time.Second)
	afterStart, afterEnd := evEnd.Add(3*time.Second), evEnd.Add(6*time.Second)
	testutil.WaitForState(t, 60*time.Second, "continuous footage around the event to be deleted", func() (bool, string) {
		newest := recorded(t, r, afterEnd.Add(maxAge+3*time.Second), afterEnd.Add(time.Hour))
		b, a := recorded(t, r, beforeStart, beforeEnd), recorded(t, r, afterStart, afterEnd)
		return newest > 0 && b == 0 && a == 0, fmt.Sprintf("before %s, after %s, newer than due %s", b, a, newest)
	})
	if got := recorded(t, r, evStart, evEnd); got < evEnd.Sub(evStart)-100*time.Millisecond {
		t.Fatalf("event footage: got %s of %s recorded, want all of it kept", got, evEnd.Sub(evStart))
	}
	// Segments are whole files: those the event overlaps are kept whole, beyond the event.
	if got := recorded(t, r, beforeEnd, afterStart); got <= evEnd.Sub(evStart) {
		t.Errorf("footage kept around the event: got %s, want the whole segments it overlaps, more than the event", got)
	}

	// events_max_age down to max_age: the event footage goes too.
	err := r.SetCameras([]recorder.CameraConfig{{Name: "front", URL: cam.URL(), Retention: recorder.Limits{EventsMaxAge: maxAge}}})
	if err != nil {
		t.Fatal(err)
	}
	testutil.WaitFor(t, 30*time.Second, "event footage to be deleted at events_max_age", func() bool {
		return recorded(t, r, evStart, evEnd) == 0
	})

	if got := deletedSegments(t, r); got["max_age/continuous"] < 2 || got["events_max_age/event"] < 1 {
		t.Errorf("deleted segments by reason/footage: got %v, want continuous ones at max_age, event ones at events_max_age", got)
	}
}

// deletedSegments returns the retention deletion counters, summed by "reason/footage".
func deletedSegments(t *testing.T, r *recorder.Recorder) map[string]float64 {
	t.Helper()
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
	return got
}
