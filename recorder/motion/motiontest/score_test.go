package motiontest

import (
	"testing"
	"time"
)

func TestScore(t *testing.T) {
	s := time.Second
	truth := []Interval{{10 * s, 20 * s}, {40 * s, 50 * s}}
	events := []Event{
		{Start: 11 * s, End: 21 * s, Opened: 12 * s}, // 9 s hit, 1 s past the end (inside a 1 s slack)
		{Start: 30 * s, End: 32 * s, Opened: 31 * s}, // false
	}
	r := Score(events, truth, 60*s, s)
	want := Result{Motion: 20 * s, Still: 40 * s, EventTime: 12 * s, Hit: 10 * s, Recall: 0.45,
		Precision: 10.0 / 12, Events: 2, FalseEvents: 1, FalsePerHour: 90, Detected: 1, Intervals: 2,
		MaxLatency: 2 * s, MeanLatency: 2 * s}
	if r != want {
		t.Fatalf("got  %+v\nwant %+v", r, want)
	}
	m := Merge(r, Score(nil, nil, 3600*s, 0))
	if m.FalseEvents != 1 || m.Still != 3640*s || m.Recall != 0.45 || m.Detected != 1 {
		t.Fatalf("merge: got %+v", m)
	}
}

func TestAccessUnits(t *testing.T) {
	// SPS, PPS, IDR slice (first_mb 0), non-IDR slice (first_mb 0), second slice (first_mb 1), SEI,
	// non-IDR slice.
	sc := []byte{0, 0, 0, 1}
	var b []byte
	for _, n := range [][]byte{{0x67, 1}, {0x68, 1}, {0x65, 0x88, 1}, {0x41, 0x9a, 1, 2}, {0x41, 0x40, 1}, {0x06, 5}, {0x41, 0x9a, 3}} {
		b = append(append(b, sc...), n...)
	}
	aus, err := AccessUnits("H264", b)
	if err != nil {
		t.Fatal(err)
	}
	if len(aus) != 3 {
		t.Fatalf("got %d access units, want 3", len(aus))
	}
	if !aus[0].Key || aus[1].Key || len(aus[0].NALUs) != 3 || len(aus[1].NALUs) != 2 || aus[1].Size != 7 || len(aus[2].NALUs) != 2 {
		t.Fatalf("got %+v", aus)
	}
}
