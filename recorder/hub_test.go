package recorder

import (
	"testing"
	"time"

	"github.com/porchlight/porchlight/recorder/index"
)

func TestHubFanOut(t *testing.T) {
	h := newHub()
	h.startSegment(&index.Segment{ID: 1, Start: time.Unix(100, 0)}, []byte("init"), "video/mp4")
	part := func(s string) [][]byte { return [][]byte{[]byte(s)} }
	h.publish(part("k0"), true, time.Time{})
	if len(h.gop) != 0 {
		t.Fatal("an unwatched hub keeps a GOP")
	}
	_, stopFirst := h.Subscribe(1) // a viewer makes the hub keep the GOP from now on
	stopFirst()
	h.publish(part("k1"), true, time.Time{})
	h.publish(part("p1"), false, time.Time{})

	// A new subscriber gets the current GOP first, sharing the same bytes.
	fast, stopFast := h.Subscribe(16)
	defer stopFast()
	slow, stopSlow := h.Subscribe(1)
	defer stopSlow()
	for _, want := range []string{"k1", "p1"} {
		if p := <-fast; string(p.Data[0]) != want || string(p.Init) != "init" {
			t.Fatalf("fast: got %q, want %q", p.Data[0], want)
		}
	}
	<-slow
	<-slow
	// The slow subscriber's channel (capacity 3: its buffer plus the GOP it started with) fills; it misses
	// parts and resumes at the next keyframe, marked Skipped.
	for _, p := range []string{"p2", "p3", "k2", "p4", "k3"} {
		h.publish(part(p), p[0] == 'k', time.Time{})
	}
	for _, want := range []string{"p2", "p3", "k2"} {
		if p := <-slow; string(p.Data[0]) != want || p.Skipped {
			t.Fatalf("slow: got %q skipped=%v, want %q", p.Data[0], p.Skipped, want)
		}
	}
	h.publish(part("p5"), false, time.Time{})
	h.publish(part("k4"), true, time.Time{})
	if p := <-slow; string(p.Data[0]) != "k4" || !p.Skipped {
		t.Fatalf("slow after lagging: got %q skipped=%v, want k4 with Skipped", p.Data[0], p.Skipped)
	}
	for _, want := range []string{"p2", "p3", "k2", "p4", "k3", "p5", "k4"} {
		if p := <-fast; string(p.Data[0]) != want {
			t.Fatalf("fast: got %q, want %q", p.Data[0], want)
		}
	}
	stopFast()
	if _, ok := <-fast; ok {
		t.Error("channel open after unsubscribe")
	}
	h.close()
	if _, ok := <-slow; ok {
		t.Error("channel open after the hub closed")
	}
}
