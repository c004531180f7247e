package index_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/porchlight/porchlight/recorder/index"
)

// buildMonth fills db with days of 60 s segments for each of streams streams, leaving a one-minute gap
// every 150-270 segments (a few hours) so that each stream has a few hundred runs. The records carry
// small frame tables: the listing reads only runs, and 345,600 realistic records would take ~4 GB.
func buildMonth(b *testing.B, db *index.DB, streams, days int) {
	b.Helper()
	for s := range streams {
		stream := fmt.Sprintf("cam%d/main", s)
		every := uint64(150 + 17*s)
		var id, run uint64 = 1, 1
		batch := make([]*index.Segment, 0, 1440)
		for minute := range uint64(days * 1440) {
			if minute%every == every-1 {
				run = id // skip this minute: a gap, and the next segment starts a run
				continue
			}
			batch = append(batch, mkSeg(id, run, at(float64(minute*60)), at(float64(minute*60+60))))
			id++
			if len(batch) == cap(batch) {
				if err := db.PutMany(stream, batch); err != nil {
					b.Fatal(err)
				}
				batch = batch[:0]
			}
		}
		if err := db.PutMany(stream, batch); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSpans30Days8Cameras lists the recordings of 8 cameras over 30 days: the figure "list
// recordings, 30 days x 8 cameras" of the guide, target 20 ms.
func BenchmarkSpans30Days8Cameras(b *testing.B) {
	const streams, days = 8, 30
	db, _ := openDB(b, &index.Options{NoSync: true})
	buildMonth(b, db, streams, days)
	end := t0.Add(days * 24 * time.Hour)
	n := 0
	for b.Loop() {
		n = 0
		for s := range streams {
			spans, err := db.Spans(fmt.Sprintf("cam%d/main", s), t0, end)
			if err != nil {
				b.Fatal(err)
			}
			n += len(spans)
		}
	}
	b.ReportMetric(float64(n), "spans/op")
}

// BenchmarkSegments1Hour decodes the 60 records of one hour of realistic segments, as export does.
func BenchmarkSegments1Hour(b *testing.B) {
	db, _ := openDB(b, &index.Options{NoSync: true})
	segs := make([]*index.Segment, 120)
	for i := range segs {
		segs[i] = realisticSegment(uint64(i+1), 1, at(float64(i*60)), 60)
	}
	if err := db.PutMany("cam", segs); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		n := 0
		err := db.Segments("cam", at(3600), at(7200), func(*index.Segment) error { n++; return nil })
		if err != nil || n != 60 {
			b.Fatalf("got %d segments, error %v; want 60", n, err)
		}
	}
}

// BenchmarkMarshal encodes a realistic 60 s segment.
func BenchmarkMarshal(b *testing.B) {
	seg := realisticSegment(1, 1, t0, 60)
	var rec []byte
	for b.Loop() {
		var err error
		if rec, err = index.MarshalSegment(seg); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(rec))/float64(seg.Frames()), "bytes/frame")
}

// BenchmarkUnmarshal decodes a realistic 60 s segment.
func BenchmarkUnmarshal(b *testing.B) {
	rec, err := index.MarshalSegment(realisticSegment(1, 1, t0, 60))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(rec)))
	for b.Loop() {
		if _, err := index.UnmarshalSegment(rec); err != nil {
			b.Fatal(err)
		}
	}
}
