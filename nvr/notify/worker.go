package notify

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"
)

// worker sends one channel's jobs in order. A channel's failures hold only its own queue.
type worker struct {
	n    *Notifier
	cfg  *ChannelConfig
	s    sender
	wake chan struct{} // poked when a job is queued
	log  *slog.Logger

	push   string             // the push subscription's ID; "" for a configured channel
	cancel context.CancelFunc // stops run; set when started (channels.go)
	done   chan struct{}      // closed when run has returned
	smu    sync.Mutex         // guards s, which a push subscription's update replaces
}

func (w *worker) sender() sender {
	w.smu.Lock()
	defer w.smu.Unlock()
	return w.s
}

func (w *worker) setSender(s sender) {
	w.smu.Lock()
	defer w.smu.Unlock()
	w.s = s
}

// stop ends the worker and waits until it has stopped; a job being sent stays queued. A worker never
// started returns at once.
func (w *worker) stop() {
	if w.cancel == nil {
		return
	}
	w.cancel()
	<-w.done
}

func (w *worker) poke() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

func (w *worker) setDepth() {
	if d, err := w.n.q.depth(w.cfg.Name); err == nil {
		w.n.m.depth.WithLabelValues(w.cfg.Name).Set(float64(d))
	}
}

// run sends jobs until ctx ends.
func (w *worker) run(ctx context.Context) {
	for ctx.Err() == nil {
		key, j, ok, err := w.n.q.head(w.cfg.Name)
		switch {
		case err != nil:
			w.log.Error("read queue", "err", err)
			w.sleep(ctx, w.n.cfg.RetryBase)
			continue
		case !ok:
			select {
			case <-w.wake:
			case <-ctx.Done():
			}
			continue
		}
		now := w.n.cfg.Now()
		if now.Sub(j.Created) > w.n.cfg.MaxAge {
			w.drop(key, &j, "older than max age", nil)
			continue
		}
		if wait := j.Next.Sub(now); wait > 0 {
			w.sleep(ctx, wait)
			continue
		}
		w.attempt(ctx, key, j)
	}
}

// attempt sends the head job once and records the outcome.
func (w *worker) attempt(ctx context.Context, key []byte, j job) {
	var snap []byte
	if j.N.EventID != 0 && w.n.cfg.Snapshot != nil {
		snap, _ = w.n.cfg.Snapshot(j.N.EventID) // none yet: the notification goes without
	}
	sctx, cancel := context.WithTimeout(ctx, w.n.cfg.SendTimeout)
	err := w.sender().send(sctx, &j.N, snap)
	cancel()
	typ := string(j.N.Type)
	if err == nil {
		if err := w.n.q.remove(w.cfg.Name, key); err != nil {
			w.log.Error("remove sent job", "err", err)
		}
		w.n.m.sent.WithLabelValues(w.cfg.Name, typ).Inc()
		w.setDepth()
		return
	}
	if ctx.Err() != nil {
		return // shutting down: the job stays queued as it was
	}
	w.n.m.failed.WithLabelValues(w.cfg.Name, typ).Inc()
	if errors.Is(err, ErrGone) && w.push != "" {
		w.gone(err)
		return
	}
	if errors.Is(err, ErrRejected) {
		w.drop(key, &j, "refused by the receiver", err)
		return
	}
	j.Attempts++
	delay := backoff(j.Attempts, w.n.cfg.RetryBase, w.n.cfg.RetryMax)
	j.Next = w.n.cfg.Now().Add(delay)
	w.log.Warn("send failed; will retry", "type", typ, "attempts", j.Attempts, "retry_in", delay, "err", err)
	if err := w.n.q.update(w.cfg.Name, key, j); err != nil {
		w.log.Error("update job", "err", err)
	}
}

func (w *worker) drop(key []byte, j *job, why string, cause error) {
	if err := w.n.q.remove(w.cfg.Name, key); err != nil {
		w.log.Error("remove dropped job", "err", err)
	}
	w.n.m.dropped.WithLabelValues(w.cfg.Name, string(j.N.Type)).Inc()
	w.setDepth()
	w.log.Warn("notification dropped", "type", j.N.Type, "why", why, "attempts", j.Attempts, "err", cause)
}

// sleep waits d, or less when ctx ends.
func (w *worker) sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}
