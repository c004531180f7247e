package notify

import (
	"context"
	"sync"
)

// Channels that come and go while the notifier runs (push subscriptions). Run starts a goroutine per
// worker; addWorker starts one for a channel added later, and removeWorker stops one. Every worker runs
// under its own context, a child of Run's.

// runState is what Run shares with addWorker; n.mu guards it.
type runState struct {
	ctx      context.Context // Run's; nil before Run
	stopping bool            // Run is waiting for its workers: start no more
	wg       sync.WaitGroup
}

// startWorker runs w under Run's context; n.mu is held.
func (n *Notifier) startWorker(w *worker) {
	if n.run.ctx == nil || n.run.stopping {
		return
	}
	ctx, cancel := context.WithCancel(n.run.ctx)
	w.cancel, w.done = cancel, make(chan struct{})
	n.run.wg.Add(1)
	go func() {
		defer n.run.wg.Done()
		defer close(w.done)
		w.run(ctx)
	}()
}

// addWorker adds a channel, running it at once when Run is running.
func (n *Notifier) addWorker(w *worker) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.workers = append(n.workers, w)
	if n.q != nil {
		w.setDepth()
	}
	n.startWorker(w)
}

// removeWorker takes the named channel out of the notifier and stops its worker; with wait, it returns
// once the worker has stopped (a worker removing itself does not wait).
func (n *Notifier) removeWorker(name string, wait bool) {
	n.mu.Lock()
	var w *worker
	for i, x := range n.workers {
		if x.cfg.Name == name {
			w = x
			n.workers = append(n.workers[:i:i], n.workers[i+1:]...)
			break
		}
	}
	n.mu.Unlock()
	if w == nil || w.cancel == nil {
		return
	}
	w.cancel()
	if wait {
		<-w.done
	}
}
