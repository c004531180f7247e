package index_test

import (
	"testing"
	"time"

	"github.com/porchlight/porchlight/recorder/index"
)

// step is one change to an index: a Put of put, or else a Delete of del.
type step struct {
	put *index.Segment
	del uint64
}

// put is a step that puts a small segment covering seconds [start, end) after t0.
func put(id, run uint64, start, end float64) step {
	return step{put: mkSeg(id, run, at(start), at(end))}
}

// del is a step that deletes segment id.
func del(id uint64) step { return step{del: id} }

func apply(t *testing.T, db *index.DB, stream string, steps []step) {
	t.Helper()
	for _, s := range steps {
		if s.put != nil {
			if err := db.Put(stream, s.put); err != nil {
				t.Fatalf("Put %d: %v", s.put.ID, err)
			}
		} else if err := db.Delete(stream, s.del); err != nil {
			t.Fatalf("Delete %d: %v", s.del, err)
		}
	}
}

// twoRuns is segments 1-3 in run 1 covering [0, 180) and, after a gap, 4-5 in run 4 covering [300, 420).
var twoRuns = []step{put(1, 1, 0, 60), put(2, 1, 60, 120), put(3, 1, 120, 180), put(4, 4, 300, 360), put(5, 4, 360, 420)}

func spans(pairs ...float64) []index.Span {
	var s []index.Span
	for i := 0; i < len(pairs); i += 2 {
		s = append(s, index.Span{Start: at(pairs[i]), End: at(pairs[i+1])})
	}
	return s
}

func TestRuns(t *testing.T) {
	cases := []struct {
		name  string
		steps []step
		want  []index.Span
	}{
		{"runs split by a gap", nil, spans(0, 180, 300, 420)},
		{"deleting the oldest moves the run start", []step{del(1)}, spans(60, 180, 300, 420)},
		{"deleting the two oldest", []step{del(1), del(2)}, spans(120, 180, 300, 420)},
		{"deleting a whole run", []step{del(1), del(2), del(3)}, spans(300, 420)},
		{"deleting the last moves the run end", []step{del(5)}, spans(0, 180, 300, 360)},
		{"deleting a middle segment splits the run", []step{del(2)}, spans(0, 60, 120, 180, 300, 420)},
		{"deleting the head of a split-off half", []step{del(2), del(3)}, spans(0, 60, 300, 420)},
		{"deleting the head of a run after a split", []step{del(2), del(1)}, spans(120, 180, 300, 420)},
		{"putting after a split extends the later half", []step{del(5), del(4), put(6, 1, 180, 240), del(2)}, spans(0, 60, 120, 240)},
		{"replacing with a shorter end", []step{put(5, 4, 360, 390)}, spans(0, 180, 300, 390)},
		{"replacing the first with a later start", []step{put(1, 1, 30, 60)}, spans(30, 180, 300, 420)},
		{"replacing the last with a later end", []step{put(5, 4, 360, 480)}, spans(0, 180, 300, 480)},
		{"replacing a segment into a new run", []step{put(3, 3, 150, 180)}, spans(0, 120, 150, 180, 300, 420)},
		{"a new run in the middle of an old one", []step{put(2, 2, 60, 120)}, spans(0, 60, 60, 180, 300, 420)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			db, _ := openDB(t, &index.Options{NoSync: true})
			apply(t, db, "cam", twoRuns)
			apply(t, db, "cam", tc.steps)
			got, err := db.Spans("cam", at(-1000), at(1000))
			if err != nil {
				t.Fatalf("Spans: %v", err)
			}
			sameSpans(t, got, tc.want)
		})
	}
}

func TestRunsFromOutOfOrderPuts(t *testing.T) {
	db, _ := openDB(t, &index.Options{NoSync: true})
	apply(t, db, "cam", []step{put(3, 1, 120, 180), put(1, 1, 0, 60), put(2, 1, 60, 120)})
	got, err := db.Spans("cam", at(-1000), at(1000))
	if err != nil {
		t.Fatalf("Spans: %v", err)
	}
	sameSpans(t, got, spans(0, 180))
}

func TestSpansClip(t *testing.T) {
	db, _ := openDB(t, &index.Options{NoSync: true})
	apply(t, db, "cam", twoRuns)
	cases := []struct {
		name       string
		start, end time.Time
		want       []index.Span
	}{
		{"everything", time.Time{}, time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC), spans(0, 180, 300, 420)},
		{"clipped at both ends", at(100), at(330), spans(100, 180, 300, 330)},
		{"inside one run", at(10), at(20), spans(10, 20)},
		{"inside the gap", at(180), at(300), nil},
		{"ending where a run starts", at(200), at(300), nil},
		{"starting where a run ends", at(420), at(500), nil},
		{"empty range", at(10), at(10), nil},
		{"reversed range", at(20), at(10), nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := db.Spans("cam", tc.start, tc.end)
			if err != nil {
				t.Fatalf("Spans: %v", err)
			}
			sameSpans(t, got, tc.want)
		})
	}
	if got, err := db.Spans("other", at(0), at(1000)); err != nil || got != nil {
		t.Errorf("Spans of an unknown stream: got %v, %v; want nil, nil", got, err)
	}
}

func sameSpans(t *testing.T, got, want []index.Span) {
	t.Helper()
	ok := len(got) == len(want)
	for i := 0; ok && i < len(got); i++ {
		ok = got[i].Start.Equal(want[i].Start) && got[i].End.Equal(want[i].End)
	}
	if !ok {
		t.Errorf("got spans %s, want %s", fmtSpans(got), fmtSpans(want))
	}
}

func fmtSpans(s []index.Span) string {
	out := "["
	for i, sp := range s {
		if i > 0 {
			out += " "
		}
		out += sp.Start.Sub(t0).String() + "-" + sp.End.Sub(t0).String()
	}
	return out + "]"
}
