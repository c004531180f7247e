package index_test

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/porchlight/porchlight/recorder/index"
)

func TestPutGetLast(t *testing.T) {
	db, _ := openDB(t, nil)
	segs := []*index.Segment{realisticSegment(1, 1, at(0), 60), realisticSegment(2, 1, at(60), 60)}
	for _, s := range segs {
		if err := db.Put("front/main", s); err != nil {
			t.Fatalf("Put %d: %v", s.ID, err)
		}
	}
	for _, want := range segs {
		got, err := db.Get("front/main", want.ID)
		if err != nil {
			t.Fatalf("Get %d: %v", want.ID, err)
		}
		sameSegment(t, got, normalize(want))
	}
	last, err := db.Last("front/main")
	if err != nil {
		t.Fatalf("Last: %v", err)
	}
	sameSegment(t, last, normalize(segs[1]))
}

func TestReplaceMovesTimeKey(t *testing.T) {
	db, _ := openDB(t, &index.Options{NoSync: true})
	apply(t, db, "cam", []step{put(1, 1, 0, 60), put(2, 1, 60, 120), put(2, 1, 500, 560)})
	if got, want := collectIDs(t, db, "cam", at(60), at(120)), []uint64(nil); !slices.Equal(got, want) {
		t.Errorf("at the old time: got segments %v, want %v", got, want)
	}
	if got, want := collectIDs(t, db, "cam", at(0), at(1000)), []uint64{1, 2}; !slices.Equal(got, want) {
		t.Errorf("over everything: got segments %v, want %v", got, want)
	}
	got, err := db.Get("cam", 2)
	if err != nil || !got.Start.Equal(at(500)) {
		t.Errorf("Get 2: got %v, %v; want start %v", got, err, at(500))
	}
}

func TestNotFound(t *testing.T) {
	db, _ := openDB(t, nil)
	apply(t, db, "cam", []step{put(1, 1, 0, 60), del(1)})
	checks := []struct {
		name string
		err  func() error
	}{
		{"Get missing", func() error { _, err := db.Get("cam", 2); return err }},
		{"Get deleted", func() error { _, err := db.Get("cam", 1); return err }},
		{"Get unknown stream", func() error { _, err := db.Get("nope", 1); return err }},
		{"Last of emptied stream", func() error { _, err := db.Last("cam"); return err }},
		{"Last of unknown stream", func() error { _, err := db.Last("nope"); return err }},
		{"Delete missing", func() error { return db.Delete("cam", 1) }},
		{"Delete unknown stream", func() error { return db.Delete("nope", 1) }},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			if err := c.err(); !errors.Is(err, index.ErrNotFound) {
				t.Errorf("got error %v, want ErrNotFound", err)
			}
		})
	}
}

func TestPutRejects(t *testing.T) {
	db, _ := openDB(t, nil)
	cases := []struct {
		name   string
		stream string
		seg    *index.Segment
	}{
		{"nil segment", "cam", nil},
		{"empty stream", "", mkSeg(1, 1, at(0), at(1))},
		{"run after the segment", "cam", mkSeg(1, 2, at(0), at(1))},
		{"zero start", "cam", mkSeg(1, 1, time.Time{}, at(1))},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if err := db.Put(tc.stream, tc.seg); err == nil {
				t.Error("got no error, want one")
			}
			if err := db.PutMany(tc.stream, []*index.Segment{tc.seg}); err == nil {
				t.Error("PutMany: got no error, want one")
			}
		})
	}
	if streams, err := db.Streams(); err != nil || len(streams) != 0 {
		t.Errorf("Streams: got %q, %v; want none", streams, err)
	}
}

func TestReopenPersists(t *testing.T) {
	db, path := openDB(t, nil)
	apply(t, db, "front/main", twoRuns)
	apply(t, db, "back/sub", []step{put(7, 7, 0, 60)})
	if err := db.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	db, err := index.Open(path, nil)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer db.Close()
	streams, err := db.Streams()
	if want := []string{"back/sub", "front/main"}; err != nil || !slices.Equal(streams, want) {
		t.Errorf("Streams: got %q, %v; want %q", streams, err, want)
	}
	got, err := db.Spans("front/main", at(0), at(1000))
	if err != nil {
		t.Fatal(err)
	}
	sameSpans(t, got, spans(0, 180, 300, 420))
	u, err := db.Usage("back/sub")
	if err != nil {
		t.Fatal(err)
	}
	sameUsage(t, u, index.Usage{Bytes: 1007, Segments: 1, Oldest: at(0), Newest: at(60)})
	if s, err := db.Get("front/main", 3); err != nil || !s.End.Equal(at(180)) {
		t.Errorf("Get 3: got %+v, %v; want end %v", s, err, at(180))
	}
}

func TestClosed(t *testing.T) {
	db, _ := openDB(t, nil)
	apply(t, db, "cam", []step{put(1, 1, 0, 60)})
	if err := db.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := db.Close(); err != nil {
		t.Errorf("second Close: got %v, want nil", err)
	}
	nop := func(*index.Segment) error { return nil }
	calls := []struct {
		name string
		err  func() error
	}{
		{"Put", func() error { return db.Put("cam", mkSeg(2, 1, at(60), at(120))) }},
		{"PutMany", func() error { return db.PutMany("cam", []*index.Segment{mkSeg(2, 1, at(60), at(120))}) }},
		{"Delete", func() error { return db.Delete("cam", 1) }},
		{"Get", func() error { _, err := db.Get("cam", 1); return err }},
		{"Last", func() error { _, err := db.Last("cam"); return err }},
		{"Segments", func() error { return db.Segments("cam", at(0), at(60), nop) }},
		{"Summaries", func() error { return db.Summaries("cam", nop) }},
		{"Spans", func() error { _, err := db.Spans("cam", at(0), at(60)); return err }},
		{"Streams", func() error { _, err := db.Streams(); return err }},
		{"Usage", func() error { _, err := db.Usage("cam"); return err }},
	}
	for _, c := range calls {
		t.Run(c.name, func(t *testing.T) {
			if err := c.err(); !errors.Is(err, index.ErrClosed) {
				t.Errorf("got error %v, want ErrClosed", err)
			}
		})
	}
}

func TestOpenLockedTimesOut(t *testing.T) {
	_, path := openDB(t, nil)
	db, err := index.Open(path, &index.Options{Timeout: 20 * time.Millisecond})
	if err == nil {
		db.Close()
		t.Fatal("second Open of a locked file: got no error, want a timeout")
	}
}

// corrupt closes db, overwrites the record of segment id in stream with rec using bbolt directly, and
// reopens the index.
func corrupt(t *testing.T, db *index.DB, path, stream string, id uint64, rec []byte) *index.DB {
	t.Helper()
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	b, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = b.Update(func(tx *bolt.Tx) error {
		key := []byte{0, 0, 0, 0, 0, 0, 0, byte(id)}
		return tx.Bucket([]byte("streams")).Bucket([]byte(stream)).Bucket([]byte("seg")).Put(key, rec)
	})
	if err := errors.Join(err, b.Close()); err != nil {
		t.Fatal(err)
	}
	db, err = index.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestCorruptRecord(t *testing.T) {
	good, err := index.MarshalSegment(mkSeg(2, 1, at(60), at(120)))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		rec  []byte
	}{
		{"garbage", []byte{0xff, 0xff, 0xff}},
		{"empty", []byte{}},
		{"unknown version", append([]byte{9}, good[1:]...)},
		{"truncated table", good[:len(good)-3]},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			db, path := openDB(t, nil)
			apply(t, db, "cam", []step{put(1, 1, 0, 60), put(2, 1, 60, 120), put(3, 1, 120, 180)})
			db = corrupt(t, db, path, "cam", 2, tc.rec)
			if _, err := db.Get("cam", 2); !errors.Is(err, index.ErrBadRecord) {
				t.Errorf("Get: got error %v, want ErrBadRecord", err)
			}
			nop := func(*index.Segment) error { return nil }
			if err := db.Segments("cam", at(0), at(180), nop); !errors.Is(err, index.ErrBadRecord) {
				t.Errorf("Segments: got error %v, want ErrBadRecord", err)
			}
			if _, err := db.Get("cam", 1); err != nil {
				t.Errorf("Get of an intact neighbour: %v", err)
			}
			if err := db.Delete("cam", 1); err != nil {
				t.Fatalf("Delete of the corrupt record's neighbour: %v", err)
			}
			if err := db.Delete("cam", 2); err != nil {
				t.Fatalf("Delete of the corrupt record: %v", err)
			}
			if got := collectIDs(t, db, "cam", at(0), at(180)); !slices.Equal(got, []uint64{3}) {
				t.Errorf("Segments after deleting it: got %v, want [3]", got)
			}
			got, err := db.Spans("cam", at(0), at(1000))
			if err != nil {
				t.Fatal(err)
			}
			sameSpans(t, got, spans(120, 180))
			u, err := db.Usage("cam")
			if err != nil || u.Segments != 1 || !u.Oldest.Equal(at(120)) {
				t.Errorf("Usage: got %+v, %v; want 1 segment from %v", u, err, at(120))
			}
		})
	}
}

func TestConcurrentPuts(t *testing.T) {
	db, _ := openDB(t, nil)
	const cameras, perCamera = 8, 20
	var wg sync.WaitGroup
	errs := make(chan error, cameras)
	for c := range cameras {
		wg.Go(func() {
			stream := fmt.Sprintf("cam%d/main", c)
			for i := range uint64(perCamera) {
				if err := db.Put(stream, mkSeg(i+1, 1, at(float64(i)*60), at(float64(i+1)*60))); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("Put: %v", err)
	}
	for c := range cameras {
		stream := fmt.Sprintf("cam%d/main", c)
		u, err := db.Usage(stream)
		if err != nil || u.Segments != perCamera {
			t.Errorf("%s: got %d segments, error %v; want %d", stream, u.Segments, err, perCamera)
		}
		got, err := db.Spans(stream, at(0), at(10000))
		if err != nil {
			t.Fatal(err)
		}
		sameSpans(t, got, spans(0, perCamera*60))
	}
}
