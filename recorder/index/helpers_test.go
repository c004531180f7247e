package index_test

import (
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/porchlight/porchlight/recorder/index"
	"github.com/porchlight/porchlight/recorder/index/indextest"
)

// t0 is an arbitrary wall-clock origin for test segments.
var t0 = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

// at returns t0 plus sec seconds.
func at(sec float64) time.Time { return t0.Add(time.Duration(sec * float64(time.Second))) }

// realisticSegment is indextest.RealisticSegment.
func realisticSegment(id, run uint64, start time.Time, seconds int) *index.Segment {
	return indextest.RealisticSegment(id, run, start, seconds)
}

// mkSeg builds a small segment of stream time [start, end) with one part of a few frames.
func mkSeg(id, run uint64, start, end time.Time) *index.Segment {
	return &index.Segment{
		ID: id, Run: run, Start: start, End: end, File: "seg.mp4", Size: 1000 + int64(id), InitSize: 700,
		Tracks: []index.Track{{ID: 1, Kind: index.Video, Codec: "H264", TimeScale: 90000, Frames: []index.Frame{
			{Size: 100, Duration: 3600, Key: true}, {Size: 50, Duration: 3600}, {Size: 50, Duration: 3600},
		}}},
		Parts: []index.Part{{Offset: 700, MoofSize: 100, Counts: []uint32{3}}},
	}
}

// openDB opens a fresh index in a temporary directory and closes it when the test ends.
func openDB(tb testing.TB, opts *index.Options) (*index.DB, string) {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "index.db")
	db, err := index.Open(path, opts)
	if err != nil {
		tb.Fatalf("Open: %v", err)
	}
	tb.Cleanup(func() { db.Close() })
	return db, path
}

// normalize returns a copy of seg as a decoder returns it: times in UTC, empty slices nil.
func normalize(seg *index.Segment) *index.Segment {
	c := *seg
	c.Start, c.End = c.Start.UTC(), c.End.UTC()
	c.Tracks = nil
	for _, t := range seg.Tracks {
		if len(t.Frames) == 0 {
			t.Frames = nil
		}
		c.Tracks = append(c.Tracks, t)
	}
	c.Parts = nil
	for _, p := range seg.Parts {
		if len(p.Counts) == 0 {
			p.Counts = nil
		}
		c.Parts = append(c.Parts, p)
	}
	return &c
}

// summaryOf returns what UnmarshalSummary yields for seg.
func summaryOf(seg *index.Segment) *index.Segment {
	c := normalize(seg)
	c.Parts = nil
	for i := range c.Tracks {
		c.Tracks[i].Frames = nil
	}
	return c
}

// sameSegment reports the first difference between got and want, if any.
func sameSegment(t *testing.T, got, want *index.Segment) {
	t.Helper()
	if reflect.DeepEqual(got, want) {
		return
	}
	gs, ws := *got, *want
	gs.Tracks, gs.Parts, ws.Tracks, ws.Parts = nil, nil, nil, nil
	switch {
	case !reflect.DeepEqual(gs, ws):
		t.Errorf("got summary %+v, want %+v", gs, ws)
	case len(got.Tracks) != len(want.Tracks) || len(got.Parts) != len(want.Parts):
		t.Errorf("got %d tracks and %d parts, want %d and %d", len(got.Tracks), len(got.Parts), len(want.Tracks), len(want.Parts))
	default:
		for i := range got.Tracks {
			g, w := got.Tracks[i], want.Tracks[i]
			if len(g.Frames) != len(w.Frames) {
				t.Errorf("track %d: got %d frames, want %d", i, len(g.Frames), len(w.Frames))
				return
			}
			for j := range g.Frames {
				if g.Frames[j] != w.Frames[j] {
					t.Errorf("track %d frame %d: got %+v, want %+v", i, j, g.Frames[j], w.Frames[j])
					return
				}
			}
			g.Frames, w.Frames = nil, nil
			if !reflect.DeepEqual(g, w) {
				t.Errorf("track %d: got %+v, want %+v", i, g, w)
				return
			}
		}
		for i := range got.Parts {
			if !reflect.DeepEqual(got.Parts[i], want.Parts[i]) {
				t.Errorf("part %d: got %+v, want %+v", i, got.Parts[i], want.Parts[i])
				return
			}
		}
	}
}
