package recorder

import (
	"errors"
	"path/filepath"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/porchlight/porchlight/recorder/index"
)

// fakeKeeper is an eventKeeper with fixed spans per camera; it records the windows it was asked for.
type fakeKeeper struct {
	spans map[string][]span
	err   error
	asked []span
}

func (k *fakeKeeper) keptSpans(camera string, from, to time.Time) ([]span, error) {
	k.asked = append(k.asked, span{from, to})
	var out []span
	for _, s := range k.spans[camera] {
		if s.start.Before(to) && from.Before(s.end) {
			out = append(out, s)
		}
	}
	return out, k.err
}

// TestMarkEvents: a segment is an event segment when a kept span overlaps it, even by a nanosecond;
// spans that only touch it do not count.
func TestMarkEvents(t *testing.T) {
	t0 := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	m := func(x float64) time.Time { return t0.Add(time.Duration(x * float64(time.Minute))) }
	k := &fakeKeeper{spans: map[string][]span{"a": {
		{m(1), m(1.5)},                      // inside #2
		{m(3.99), m(4.2)},                   // the end of #4 and the start of #5
		{m(7), m(8)},                        // touches #7's end and #9's start: only #8
		{m(7.2), m(7.4)},                    // inside the one before, in #8
		{m(9.5), m(9.5)},                    // an instant in #10
		{m(6.5), m(6.6)}, {m(6.55), m(6.9)}, // overlapping, out of order, in #7
	}}}
	cands := segs("a/main", "a", t0, 10, 100)
	if err := markEvents(k, "a", cands); err != nil {
		t.Fatal(err)
	}
	var got []uint64
	for _, c := range cands {
		if c.event {
			got = append(got, c.id)
		}
	}
	if want := []uint64{2, 4, 5, 7, 8, 10}; !slices.Equal(got, want) {
		t.Errorf("event segments: got %v, want %v", got, want)
	}
	if len(k.asked) != 1 || !k.asked[0].start.Equal(t0) || !k.asked[0].end.Equal(m(10)) {
		t.Errorf("keeper asked %v, want once for the 10 minutes", k.asked)
	}
	k.err = errors.New("store closed")
	if err := markEvents(k, "a", cands); err == nil || !slices.ContainsFunc(cands, func(c candidate) bool { return c.event }) {
		t.Errorf("keeper error: got %v, want it returned and every segment kept as an event one", err)
	}
	for _, c := range cands {
		if !c.event {
			t.Fatalf("keeper error: segment %d counted as continuous, want every one an event one", c.id)
		}
	}
}

// TestRetentionScan: with most old footage inside events, each pass reads the oldest segments and the
// oldest continuous ones, from a mark past the event segments it already read, within a bound per pass.
func TestRetentionScan(t *testing.T) {
	const events, total = 5000, 5600 // minutes inside one long event, then continuous footage
	t0, db := minuteIndex(t, total, func(int) bool { return true })
	k := &fakeKeeper{spans: map[string][]span{"a": {{t0.Add(-time.Second), t0.Add(events*time.Minute - time.Second)}}}}
	var held span
	sc := &retentionScan{db: db, keeper: k, held: func(camera string, s, e time.Time) bool {
		return s.Before(held.end) && held.start.Before(e)
	}}
	st := &stream{camera: "a", key: "a/main"}
	pass := func(now time.Time) ([]candidate, bool) {
		t.Helper()
		k.asked = nil
		sc.begin([]*stream{st}, now)
		cands, more, err := sc.candidates(st, total+1)
		if err != nil {
			t.Fatal(err)
		}
		return cands, more
	}
	count := func(cands []candidate, event bool) (n int, first uint64) {
		for _, c := range cands {
			if c.event == event {
				if n == 0 {
					first = c.id
				}
				n++
			}
		}
		return n, first
	}

	// Pass 1: the oldest 256 (events), and no continuous yet: 16 pages read, all inside the event.
	cands, more := pass(t0)
	if n, first := count(cands, true); n != oldestBatch || first != 1 {
		t.Errorf("pass 1: got %d event candidates from %d, want %d from 1", n, first, oldestBatch)
	}
	if n, _ := count(cands, false); n != 0 || !more {
		t.Errorf("pass 1: got %d continuous candidates, more %v; want none yet, more", n, more)
	}
	if got, want := sc.from["a/main"], uint64(scanPages*oldestBatch+1); got != want {
		t.Errorf("pass 1: mark at %d, want %d", got, want)
	}
	// Pass 2 goes on from the mark and finds the continuous footage.
	cands, more = pass(t0.Add(time.Second))
	if n, first := count(cands, false); n != oldestBatch || first != events+1 || !more {
		t.Errorf("pass 2: got %d continuous candidates from %d, more %v; want %d from %d, more", n, first, more, oldestBatch, events+1)
	}
	if got := sc.from["a/main"]; got != events+1 {
		t.Errorf("pass 2: mark at %d, want %d", got, events+1)
	}
	// Pass 3 reads no event segment past the oldest batch again: the keeper is asked about the oldest
	// batch and about one page from the mark.
	pass(t0.Add(2 * time.Second))
	if len(k.asked) != 2 || k.asked[1].start.Before(t0.Add(events*time.Minute)) {
		t.Errorf("pass 3: keeper asked %v, want the oldest batch and one page from minute %d", k.asked, events)
	}
	// A held continuous segment is skipped but keeps the mark from passing it.
	sc.from["a/main"] = events - 10
	held = span{t0.Add(events * time.Minute), t0.Add(events*time.Minute + time.Second)}
	cands, _ = pass(t0.Add(3 * time.Second))
	if _, first := count(cands, false); first != events+2 || sc.from["a/main"] != events+1 {
		t.Errorf("held: first continuous %d, mark %d; want %d, %d", first, sc.from["a/main"], events+2, events+1)
	}
	held = span{}
	// An hour on, the scan starts from the oldest segment again.
	pass(t0.Add(rescanEvery + 3*time.Second))
	if got := sc.from["a/main"]; got != scanPages*oldestBatch+1 {
		t.Errorf("after an hour: mark at %d, want the scan begun again (%d)", got, scanPages*oldestBatch+1)
	}
	// The open segment and later ones are never candidates.
	sc.begin([]*stream{st}, t0.Add(rescanEvery+4*time.Second))
	sc.from["a/main"] = events + 1
	cands, more, _ = sc.candidates(st, events+11)
	if n, _ := count(cands, false); n != 10 || more {
		t.Errorf("open segment %d: got %d continuous candidates, more %v; want 10, no more", events+11, n, more)
	}
	// The keeper failing: the mark stays, the oldest count as event footage, and size and space may
	// still take them (no more).
	k.err = errors.New("store closed")
	sc.from["a/main"] = events + 1
	k.spans = nil
	cands, more, err := sc.candidates(st, total+1)
	if err == nil || more || sc.from["a/main"] != events+1 {
		t.Errorf("keeper failing: err %v, more %v, mark %d; want an error, no more, the mark kept", err, more, sc.from["a/main"])
	}
	if n, _ := count(cands, false); n != 0 {
		t.Errorf("keeper failing: %d continuous candidates, want none", n)
	}
}

// BenchmarkRetentionScan measures reading one stream's candidates for a pass over 30 days of one-minute
// segments whose older 80% are past max_age, so only their event segments are left (an event every 3
// minutes, overlapping two): without events (the oldest batch only), with them once the mark sits past
// the event segments, and with them forgetting the mark every pass.
func BenchmarkRetentionScan(b *testing.B) {
	const total = 30 * 24 * 60
	old := func(i int) bool { return i < total*8/10 }
	t0, db := minuteIndex(b, total, func(i int) bool {
		return !old(i) || i%3 != 2 // continuous footage past max_age is deleted
	})
	var spans []span
	for i := 0; old(i); i += 3 {
		s := t0.Add(time.Duration(i) * time.Minute)
		spans = append(spans, span{s.Add(30 * time.Second), s.Add(90 * time.Second)})
	}
	st := &stream{camera: "a", key: "a/main"}
	for _, bc := range []struct {
		name   string
		keeper eventKeeper
		noMark bool // forget the mark every pass: what the mark saves
	}{{"no-events", nil, false}, {"events", sortedKeeper(spans), false}, {"events-no-mark", sortedKeeper(spans), true}} {
		b.Run(bc.name, func(b *testing.B) {
			sc := &retentionScan{db: db, keeper: bc.keeper}
			sc.begin([]*stream{st}, t0)
			for range total / (scanPages * oldestBatch) * 2 { // the passes that move the mark
				if _, _, err := sc.candidates(st, total+1); err != nil {
					b.Fatal(err)
				}
			}
			b.ResetTimer()
			for b.Loop() {
				if bc.noMark {
					sc.from = map[string]uint64{}
				}
				cands, _, err := sc.candidates(st, total+1)
				if err != nil || len(cands) < oldestBatch {
					b.Fatalf("got %d candidates, error %v", len(cands), err)
				}
			}
		})
	}
}

// sortedKeeper is an eventKeeper over disjoint spans in order, found by binary search as a store's
// time index would.
type sortedKeeper []span

func (k sortedKeeper) keptSpans(_ string, from, to time.Time) ([]span, error) {
	i := sort.Search(len(k), func(i int) bool { return k[i].end.After(from) })
	j := sort.Search(len(k), func(j int) bool { return !k[j].start.Before(to) })
	return k[i:max(i, j)], nil
}

// minuteIndex opens an index in a temporary directory holding, for every i < n that has returns true, a
// one-minute segment i+1 of stream a/main starting i minutes after t0.
func minuteIndex(tb testing.TB, n int, has func(i int) bool) (t0 time.Time, db *index.DB) {
	tb.Helper()
	t0 = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	db, err := index.Open(filepath.Join(tb.TempDir(), "index.db"), &index.Options{NoSync: true})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	var ss []*index.Segment
	for i := range n {
		if !has(i) {
			continue
		}
		s := t0.Add(time.Duration(i) * time.Minute)
		ss = append(ss, &index.Segment{ID: uint64(i + 1), Run: 1, Start: s, End: s.Add(time.Minute), File: "f",
			Size: 1000, InitSize: 10, Tracks: []index.Track{{ID: 1, Kind: index.Video, Codec: "H264", TimeScale: 90000}}})
	}
	if err := db.PutMany("a/main", ss); err != nil {
		tb.Fatal(err)
	}
	return t0, db
}
