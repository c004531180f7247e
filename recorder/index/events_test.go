package index_test

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/porchlight/porchlight/recorder/index"
)

func ids(evs []index.Event) []uint64 {
	out := make([]uint64, 0, len(evs))
	for _, e := range evs {
		out = append(out, e.ID)
	}
	return out
}

// TestEventsLifecycle opens, closes and snapshots events and queries them by camera, kind, time and page.
func TestEventsLifecycle(t *testing.T) {
	db, path := openDB(t, nil)
	open := func(cam, kind string, start float64) index.Event {
		t.Helper()
		e, err := db.OpenEvent(index.Event{Camera: cam, Kind: kind, Start: at(start), Score: 0.3})
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	closeAt := func(e index.Event, end float64) {
		t.Helper()
		if _, err := db.CloseEvent(e.ID, at(end), 0.8); err != nil {
			t.Fatal(err)
		}
	}
	a := open("front", "motion", 0) // [0, 30)
	closeAt(a, 30)
	b := open("back", "motion", 10) // [10, 20)
	closeAt(b, 20)
	c := open("front", "camera", 100) // [100, 110)
	closeAt(c, 110)
	d := open("front", "motion", 200) // open
	if a.ID >= b.ID || b.ID >= c.ID || c.ID >= d.ID {
		t.Fatalf("ids not increasing: %d %d %d %d", a.ID, b.ID, c.ID, d.ID)
	}
	cases := []struct {
		name string
		q    index.EventQuery
		want []uint64
	}{
		{"all", index.EventQuery{}, []uint64{d.ID, c.ID, b.ID, a.ID}},
		{"camera", index.EventQuery{Camera: "front"}, []uint64{d.ID, c.ID, a.ID}},
		{"kind", index.EventQuery{Kind: "camera"}, []uint64{c.ID}},
		{"overlap start", index.EventQuery{Start: at(25), End: at(105)}, []uint64{c.ID, a.ID}},
		{"end excluded", index.EventQuery{Start: at(110), End: at(200)}, nil},
		{"open reaches on", index.EventQuery{Start: at(5000), End: at(6000)}, []uint64{d.ID}},
		{"page", index.EventQuery{Limit: 2}, []uint64{d.ID, c.ID}},
		{"next page", index.EventQuery{Limit: 2, Before: c.ID}, []uint64{b.ID, a.ID}},
		{"unknown camera", index.EventQuery{Camera: "side"}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := db.Events(tc.q)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(ids(got), tc.want) {
				t.Errorf("got %v, want %v", ids(got), tc.want)
			}
		})
	}

	if _, err := db.EventSnapshot(a.ID); !errors.Is(err, index.ErrNotFound) {
		t.Errorf("snapshot before one is set: got %v, want ErrNotFound", err)
	}
	jpeg := []byte{0xff, 0xd8, 1, 2, 3, 0xff, 0xd9}
	if err := db.SetEventSnapshot(a.ID, jpeg); err != nil {
		t.Fatal(err)
	}
	if err := db.SetEventSnapshot(999, jpeg); !errors.Is(err, index.ErrNotFound) {
		t.Errorf("snapshot of a missing event: got %v, want ErrNotFound", err)
	}
	opens, err := db.OpenEvents()
	if err != nil || !slices.Equal(ids(opens), []uint64{d.ID}) {
		t.Fatalf("open events: got %v, %v; want [%d]", ids(opens), err, d.ID)
	}

	// Everything survives a reopen.
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db2, err := index.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	got, err := db2.GetEvent(a.ID)
	want := index.Event{ID: a.ID, Camera: "front", Kind: "motion", Start: at(0), End: at(30), Score: 0.8, Snapshot: true}
	if err != nil || got != want {
		t.Errorf("event after reopen: got %+v, %v; want %+v", got, err, want)
	}
	if snap, err := db2.EventSnapshot(a.ID); err != nil || !bytes.Equal(snap, jpeg) {
		t.Errorf("snapshot after reopen: got %x, %v", snap, err)
	}
	if _, err := db2.GetEvent(999); !errors.Is(err, index.ErrNotFound) {
		t.Errorf("missing event: got %v, want ErrNotFound", err)
	}
	if e, err := db2.OpenEvent(index.Event{Camera: "front", Kind: "motion", Start: at(300)}); err != nil || e.ID <= d.ID {
		t.Errorf("id after reopen: got %d, %v; want above %d", e.ID, err, d.ID)
	}
}

// TestEventSpans widens events by pre- and post-roll and merges them, an open one reaching the range end.
func TestEventSpans(t *testing.T) {
	db, _ := openDB(t, nil)
	_, err := db.PutEvents([]index.Event{
		{Camera: "front", Kind: "motion", Start: at(100), End: at(110)},
		{Camera: "front", Kind: "motion", Start: at(120), End: at(130)}, // merges with the first (post+pre)
		{Camera: "front", Kind: "motion", Start: at(500), End: at(510)},
		{Camera: "back", Kind: "motion", Start: at(100), End: at(900)},
		{Camera: "front", Kind: "motion", Start: at(1000)}, // open
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := db.EventSpans("front", at(0), at(2000), 5*time.Second, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	want := []index.Span{{Start: at(95), End: at(140)}, {Start: at(495), End: at(520)}, {Start: at(995), End: at(2000)}}
	if !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

// TestEventsPagingMatchesFullList pages through random events of several cameras, with some longer than
// others, and checks the pages join into the full, newest-first list for every range.
func TestEventsPagingMatchesFullList(t *testing.T) {
	db, _ := openDB(t, &index.Options{NoSync: true})
	rng := rand.New(rand.NewPCG(1, 2))
	var evs []index.Event
	clock := 0.0
	for range 600 {
		clock += rng.Float64() * 60
		d := rng.Float64() * 120
		if rng.IntN(50) == 0 {
			d = 3600 // a rare long event
		}
		evs = append(evs, index.Event{Camera: fmt.Sprintf("cam%d", rng.IntN(4)), Kind: "motion", Start: at(clock), End: at(clock + d)})
	}
	all, err := db.PutEvents(evs)
	if err != nil {
		t.Fatal(err)
	}
	for range 30 {
		s := rng.Float64() * clock
		q := index.EventQuery{Start: at(s), End: at(s + rng.Float64()*7200)}
		if rng.IntN(2) == 0 {
			q.Camera = "cam1"
		}
		var want []uint64
		for _, e := range slices.Backward(all) {
			if (q.Camera == "" || e.Camera == q.Camera) && e.Start.Before(q.End) && e.End.After(q.Start) {
				want = append(want, e.ID)
			}
		}
		var got []uint64
		q.Limit = 7
		for {
			page, err := db.Events(q)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, ids(page)...)
			if len(page) < q.Limit {
				break
			}
			q.Before = page[len(page)-1].ID
		}
		if !slices.Equal(got, want) {
			t.Fatalf("query %+v: got %v, want %v", q, got, want)
		}
	}
}

// BenchmarkEventsList lists one day of events over 16 cameras from a store of 30 days at 200 events per
// camera and day: the guide's "listing a day of events for 16 cameras", target 20 ms.
func BenchmarkEventsList(b *testing.B) {
	const cams, days, perDay = 16, 30, 200
	db, _ := openDB(b, &index.Options{NoSync: true})
	rng := rand.New(rand.NewPCG(3, 4))
	for c := range cams {
		evs := make([]index.Event, 0, days*perDay)
		for i := range days * perDay {
			start := at(float64(i) * 86400 / perDay)
			evs = append(evs, index.Event{Camera: fmt.Sprintf("cam%d", c), Kind: "motion", Start: start,
				End: start.Add(time.Duration(5+rng.IntN(120)) * time.Second), Score: rng.Float64()})
		}
		if _, err := db.PutEvents(evs); err != nil {
			b.Fatal(err)
		}
	}
	day := t0.Add(15 * 24 * time.Hour)
	n := 0
	for b.Loop() {
		n = 0
		q := index.EventQuery{Start: day, End: day.Add(24 * time.Hour), Limit: index.MaxEventLimit}
		for {
			page, err := db.Events(q)
			if err != nil {
				b.Fatal(err)
			}
			n += len(page)
			if len(page) < q.Limit {
				break
			}
			q.Before = page[len(page)-1].ID
		}
	}
	if n < cams*perDay {
		b.Fatalf("listed %d events, want at least %d", n, cams*perDay)
	}
	b.ReportMetric(float64(n), "events/op")
}

// FuzzUnmarshalEvent checks the event decoder never panics, fails only with ErrBadRecord, and that what it
// accepts survives a round trip.
func FuzzUnmarshalEvent(f *testing.F) {
	for _, e := range []index.Event{
		{Camera: "front", Kind: "motion", Start: at(1), End: at(2), Score: 0.5, Snapshot: true},
		{Camera: "x", Kind: "camera", Start: at(-1e6)},
	} {
		b, err := index.MarshalEvent(e)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		e, err := index.UnmarshalEvent(7, b)
		if err != nil {
			if !errors.Is(err, index.ErrBadRecord) {
				t.Fatalf("error does not wrap ErrBadRecord: %v", err)
			}
			return
		}
		again, err := index.MarshalEvent(e)
		if err != nil {
			t.Fatal(err)
		}
		e2, err := index.UnmarshalEvent(7, again)
		if err != nil || e2 != e {
			t.Fatalf("round trip: got %+v, %v; want %+v", e2, err, e)
		}
	})
}
