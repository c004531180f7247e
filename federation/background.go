package federation

import "context"

// spawn runs f on its own goroutine unless the node is closing; Close cancels ctx and waits for every f
// to return before it closes the store.
func (n *Node) spawn(f func(ctx context.Context)) {
	n.bgMu.Lock()
	defer n.bgMu.Unlock()
	select {
	case <-n.closed:
		return
	default:
	}
	n.bg.Add(1)
	go func() {
		defer n.bg.Done()
		f(n.bgCtx)
	}()
}

// stopBackground cancels spawned work and waits for it.
func (n *Node) stopBackground() {
	n.bgMu.Lock() // after close(n.closed): no spawn adds to bg once this is held
	n.bgCancel()
	n.bgMu.Unlock()
	n.bg.Wait()
}
