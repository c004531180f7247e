// Package broadcast hands values to subscribers without ever blocking the sender: a subscriber whose
// buffer is full misses the value, so the sender keeps what matters somewhere a subscriber can read it
// again (a store). It holds no other state and imports no porchlight package.
package broadcast

import "sync"

// A Broadcast sends values of type T to its subscribers. The zero value has none.
type Broadcast[T any] struct {
	mu   sync.Mutex
	n    int
	subs map[int]chan T
}

// Subscribe returns a channel of the values sent from now on, buffered, and a function that ends the
// subscription and closes the channel.
func (b *Broadcast[T]) Subscribe(buffer int) (<-chan T, func()) {
	ch := make(chan T, buffer)
	b.mu.Lock()
	if b.subs == nil {
		b.subs = map[int]chan T{}
	}
	b.n++
	id := b.n
	b.subs[id] = ch
	b.mu.Unlock()
	return ch, func() {
		b.mu.Lock()
		if _, ok := b.subs[id]; ok {
			delete(b.subs, id)
			close(ch)
		}
		b.mu.Unlock()
	}
}

// Send hands v to every subscriber with room for it.
func (b *Broadcast[T]) Send(v T) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, ch := range b.subs {
		select {
		case ch <- v:
		default:
		}
	}
}
