package federation

import "sync"

// broadcast hands values to subscribers without ever blocking the sender: a subscriber whose buffer is
// full misses the value (the store has it).
type broadcast[T any] struct {
	mu   sync.Mutex
	n    int
	subs map[int]chan T
}

func (b *broadcast[T]) subscribe(buffer int) (<-chan T, func()) {
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

func (b *broadcast[T]) send(v T) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, ch := range b.subs {
		select {
		case ch <- v:
		default:
		}
	}
}
