package broadcast

import "testing"

// A full subscriber misses values instead of blocking the sender; an ended subscription is closed.
func TestBroadcast(t *testing.T) {
	var b Broadcast[int]
	fast, endFast := b.Subscribe(3)
	slow, endSlow := b.Subscribe(1)
	for i := range 3 {
		b.Send(i)
	}
	endFast()
	endSlow()
	var got []int
	for v := range fast {
		got = append(got, v)
	}
	if len(got) != 3 {
		t.Errorf("a subscriber with room for 3 got %v", got)
	}
	n := 0
	for range slow {
		n++
	}
	if n != 1 {
		t.Errorf("a subscriber with room for 1 got %d values", n)
	}
	endFast() // twice: no panic
	b.Send(9) // no subscribers: no block
}
