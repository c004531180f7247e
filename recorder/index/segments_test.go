package index_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/porchlight/porchlight/recorder/index"
)

func collectIDs(t *testing.T, db *index.DB, stream string, start, end time.Time) []uint64 {
	t.Helper()
	var ids []uint64
	err := db.Segments(stream, start, end, func(s *index.Segment) error {
		if len(s.Tracks) == 0 || len(s.Tracks[0].Frames) == 0 || len(s.Parts) == 0 {
			t.Errorf("segment %d: got %d tracks and %d parts, want a fully decoded segment", s.ID, len(s.Tracks), len(s.Parts))
		}
		ids = append(ids, s.ID)
		return nil
	})
	if err != nil {
		t.Fatalf("Segments: %v", err)
	}
	return ids
}

func TestSegmentsOverlap(t *testing.T) {
	db, _ := openDB(t, &index.Options{NoSync: true})
	apply(t, db, "cam", []step{put(1, 1, 0, 60), put(2, 1, 60, 120), put(3, 1, 120, 180), put(4, 4, 300, 360)})
	cases := []struct {
		name       string
		start, end float64
		want       []uint64
	}{
		{"all", 0, 360, []uint64{1, 2, 3, 4}},
		{"starting inside a segment", 30, 90, []uint64{1, 2}},
		{"starting where one ends", 60, 61, []uint64{2}},
		{"ending where one starts", 59, 60, []uint64{1}},
		{"inside one segment", 70, 80, []uint64{2}},
		{"the gap", 180, 300, nil},
		{"from the gap", 200, 310, []uint64{4}},
		{"before all", -100, 0, nil},
		{"reaching into the first", -100, 1, []uint64{1}},
		{"after all", 1000, 2000, nil},
		{"from inside the last", 350, 2000, []uint64{4}},
		{"empty", 60, 60, nil},
		{"reversed", 90, 30, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := collectIDs(t, db, "cam", at(tc.start), at(tc.end)); !slices.Equal(got, tc.want) {
				t.Errorf("got segments %v, want %v", got, tc.want)
			}
		})
	}
	t.Run("unbounded", func(t *testing.T) {
		got := collectIDs(t, db, "cam", time.Time{}, time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC))
		if want := []uint64{1, 2, 3, 4}; !slices.Equal(got, want) {
			t.Errorf("got segments %v, want %v", got, want)
		}
	})
	t.Run("unknown stream", func(t *testing.T) {
		if got := collectIDs(t, db, "other", at(0), at(1000)); got != nil {
			t.Errorf("got segments %v, want none", got)
		}
	})
}

func TestSegmentsDecodesFully(t *testing.T) {
	db, _ := openDB(t, &index.Options{NoSync: true})
	want := realisticSegment(1, 1, t0, 60)
	if err := db.Put("cam", want); err != nil {
		t.Fatal(err)
	}
	n := 0
	err := db.Segments("cam", t0, t0.Add(time.Minute), func(got *index.Segment) error {
		n++
		sameSegment(t, got, normalize(want))
		return nil
	})
	if err != nil || n != 1 {
		t.Errorf("Segments: got %d segments, error %v; want 1, nil", n, err)
	}
}

// TestIterationPages covers more segments than one read transaction handles, a callback error, and a
// callback that deletes what it sees, as retention does.
func TestIterationPages(t *testing.T) {
	db, _ := openDB(t, &index.Options{NoSync: true})
	const n = 1100
	segs := make([]*index.Segment, n)
	for i := range segs {
		segs[i] = mkSeg(uint64(i+1), 1, at(float64(i)*60), at(float64(i+1)*60))
	}
	if err := db.PutMany("cam", segs); err != nil {
		t.Fatalf("PutMany: %v", err)
	}
	var ids []uint64
	err := db.Segments("cam", at(0), at(100*60), func(s *index.Segment) error { ids = append(ids, s.ID); return nil })
	if err != nil || len(ids) != 100 || !slices.IsSorted(ids) || ids[0] != 1 {
		t.Errorf("Segments over 100 minutes: got %d ids (sorted %v, first %v), error %v; want 1..100", len(ids), slices.IsSorted(ids), ids[:min(1, len(ids))], err)
	}
	stop := errors.New("stop")
	calls := 0
	err = db.Segments("cam", at(0), at(n*60), func(*index.Segment) error { calls++; return stop })
	if err != stop || calls != 1 {
		t.Errorf("Segments with a failing callback: got %d calls, error %v; want 1, stop", calls, err)
	}
	ids = nil
	err = db.Summaries("cam", func(s *index.Segment) error {
		if s.Parts != nil || s.Tracks[0].Frames != nil {
			t.Errorf("summary %d: got frames or parts, want neither", s.ID)
		}
		ids = append(ids, s.ID)
		if s.ID%2 == 0 {
			return db.Delete("cam", s.ID)
		}
		return nil
	})
	if err != nil || len(ids) != n || !slices.IsSorted(ids) {
		t.Fatalf("Summaries: got %d sorted=%v ids, error %v; want %d in order", len(ids), slices.IsSorted(ids), err, n)
	}
	u, err := db.Usage("cam")
	if err != nil || u.Segments != n/2 {
		t.Errorf("Usage after deleting every other segment: got %d segments, error %v; want %d", u.Segments, err, n/2)
	}
	calls = 0
	err = db.Summaries("cam", func(*index.Segment) error { calls++; return stop })
	if err != stop || calls != 1 {
		t.Errorf("Summaries with a failing callback: got %d calls, error %v; want 1, stop", calls, err)
	}
	// From an ID on, across pages; an ID that was deleted starts at the next one.
	for _, tt := range []struct {
		from, first uint64
		count       int
	}{{601, 601, 250}, {600, 601, 250}, {n - 1, n - 1, 1}, {n, 0, 0}} {
		ids = nil
		err = db.SummariesFrom("cam", tt.from, func(s *index.Segment) error { ids = append(ids, s.ID); return nil })
		if err != nil || len(ids) != tt.count || (len(ids) > 0 && ids[0] != tt.first) || !slices.IsSorted(ids) {
			t.Errorf("SummariesFrom(%d): got %d ids from %v, error %v; want %d from %d", tt.from, len(ids), ids[:min(1, len(ids))], err, tt.count, tt.first)
		}
	}
}
