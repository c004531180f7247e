package index_test

import (
	"bytes"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/porchlight/porchlight/recorder/index"
)

// TestWriteWithoutSegments: the copy has the events (open and closed) and their snapshots, no segments
// or streams, and goes on numbering events after the original's.
func TestWriteWithoutSegments(t *testing.T) {
	db, _ := openDB(t, nil)
	for i := range uint64(50) {
		if err := db.Put("front/main", mkSeg(i+1, 1, at(float64(i*60)), at(float64(i*60+60)))); err != nil {
			t.Fatal(err)
		}
	}
	closed, err := db.OpenEvent(index.Event{Camera: "front", Kind: "motion", Start: at(10)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.CloseEvent(closed.ID, at(20), 0.7); err != nil {
		t.Fatal(err)
	}
	jpeg := bytes.Repeat([]byte{0xff, 0xd8}, 1000)
	if err := db.SetEventSnapshot(closed.ID, jpeg); err != nil {
		t.Fatal(err)
	}
	open, err := db.OpenEvent(index.Event{Camera: "front", Kind: "motion", Start: at(100)})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "copy.db")
	if err := db.WriteWithoutSegments(path); err != nil {
		t.Fatal(err)
	}
	cp, err := index.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer cp.Close()
	want, _ := db.Events(index.EventQuery{})
	got, err := cp.Events(index.EventQuery{})
	if err != nil || !reflect.DeepEqual(got, want) || len(got) != 2 {
		t.Errorf("copy's events: got %+v, %v, want %+v", got, err, want)
	}
	if snap, err := cp.EventSnapshot(closed.ID); err != nil || !bytes.Equal(snap, jpeg) {
		t.Errorf("copy's snapshot: %d bytes, %v; want the original's %d", len(snap), err, len(jpeg))
	}
	if opens, _ := cp.OpenEvents(); len(opens) != 1 || opens[0].ID != open.ID {
		t.Errorf("copy's open events: got %+v, want event %d", opens, open.ID)
	}
	if streams, _ := cp.Streams(); len(streams) != 0 {
		t.Errorf("copy's streams: got %v, want none", streams)
	}
	if spans, _ := cp.Spans("front/main", at(0), at(1e6)); len(spans) != 0 {
		t.Errorf("copy's spans: got %v, want none", spans)
	}
	next, err := cp.OpenEvent(index.Event{Camera: "front", Kind: "motion", Start: time.Now()})
	if err != nil || next.ID <= open.ID {
		t.Errorf("copy's next event: ID %d, %v; want above %d", next.ID, err, open.ID)
	}
}
