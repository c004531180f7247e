package federation

import (
	"context"
	"log/slog"
	"time"

	"github.com/porchlight/porchlight/federation/wire"
)

// Alerts that arrive by gossip are claimed in the in-memory replay set, handed to subscribers at once and
// written by one writer that commits whatever has queued up within alertFlush in one bbolt transaction:
// a street's alerts cost a few fsyncs a second at most, not one per alert, and the topic never waits
// for the disk (gossipsub drops messages for a subscriber that falls behind). A crash loses at most the
// last alertFlush of received alerts from this node's disk; the next sync, which asks from well before
// the last one, brings them back. Reads that must see every alert handed out (listing, clip fetch)
// flush first.

const (
	alertQueue = 4096
	alertBatch = 512 // alerts per transaction at most
	alertFlush = time.Second
)

type alertWriter struct {
	st     *store
	log    *slog.Logger
	q      chan storedAlert
	flushQ chan chan struct{}
	stop   context.CancelFunc
	done   chan struct{}
}

// startAlertWriter starts the writer; stopAlertWriter commits what is queued and stops it.
func startAlertWriter(st *store, log *slog.Logger) *alertWriter {
	ctx, cancel := context.WithCancel(context.Background())
	w := &alertWriter{st: st, log: log, q: make(chan storedAlert, alertQueue), flushQ: make(chan chan struct{}),
		stop: cancel, done: make(chan struct{})}
	go w.run(ctx)
	return w
}

func (w *alertWriter) close() {
	w.stop()
	<-w.done
}

// add queues a claimed alert; when the queue is full it releases the claim and leaves the alert to the
// next sync.
func (w *alertWriter) add(a storedAlert) bool {
	select {
	case w.q <- a:
		return true
	default:
		w.st.unclaim(a.hood, a.id)
		w.log.Warn("alert queue full: left to the next sync", "hood", a.hood, "alert", a.id)
		return false
	}
}

// flush returns once every alert queued before the call is committed (or the writer stopped).
func (w *alertWriter) flush() {
	done := make(chan struct{})
	select {
	case w.flushQ <- done:
		select {
		case <-done:
		case <-w.done:
		}
	case <-w.done:
	}
}

func (w *alertWriter) run(ctx context.Context) {
	defer close(w.done)
	batch := make([]storedAlert, 0, alertBatch)
	var waiters []chan struct{}
	timer := time.NewTimer(alertFlush)
	timer.Stop()
	for {
		var due <-chan time.Time
		if len(batch) > 0 {
			due = timer.C
		}
		stopping := false
		select {
		case a := <-w.q:
			if len(batch) == 0 {
				timer.Reset(alertFlush)
			}
			if batch = append(batch, a); len(batch) < alertBatch {
				continue
			}
		case d := <-w.flushQ:
			waiters = append(waiters, d)
		case <-due:
		case <-ctx.Done():
			stopping = true
		}
		batch = w.drain(batch)
		w.commit(batch)
		batch = batch[:0]
		timer.Stop()
		for _, d := range waiters {
			close(d)
		}
		waiters = waiters[:0]
		if stopping {
			return
		}
	}
}

// drain moves what is queued into the batch, up to its size.
func (w *alertWriter) drain(batch []storedAlert) []storedAlert {
	for len(batch) < alertBatch {
		select {
		case a := <-w.q:
			batch = append(batch, a)
		default:
			return batch
		}
	}
	return batch
}

// commit writes a batch; on failure the claims are released so a later sync stores the alerts.
func (w *alertWriter) commit(batch []storedAlert) {
	if len(batch) == 0 {
		return
	}
	if _, err := w.st.addAlerts(batch); err != nil {
		w.log.Warn("store alerts: left to the next sync", "alerts", len(batch), "err", err)
		for _, a := range batch {
			w.st.unclaim(a.hood, a.id)
		}
	}
}

// receiveAlert takes a validated gossiped alert: the first copy is handed to subscribers and queued.
func (n *Node) receiveAlert(hoodID string, rec wire.Signed) {
	var a wire.Alert
	if rec.Open(wire.KindAlert, &a) != nil || !n.store.claim(hoodID, rec.ID()) {
		return
	}
	if !n.writer.add(storedAlert{hood: hoodID, id: rec.ID(), time: a.Time, rec: rec.Marshal()}) {
		return
	}
	n.metrics.received.Inc()
	n.notify(n.toAlert(rec, a))
}

// storeAlerts stores validated alerts from a sync now (the caller records the sync as done after) and
// tells subscribers about the ones not seen before.
func (n *Node) storeAlerts(batch []storedAlert) int {
	fresh := make([]storedAlert, 0, len(batch))
	for _, a := range batch {
		if n.store.claim(a.hood, a.id) {
			fresh = append(fresh, a)
		}
	}
	if len(fresh) == 0 {
		return 0
	}
	if _, err := n.store.addAlerts(fresh); err != nil {
		n.log.Warn("store alerts", "err", err)
		for _, a := range fresh {
			n.store.unclaim(a.hood, a.id)
		}
		return 0
	}
	for _, s := range fresh {
		if rec, a, err := openAlert(s.rec); err == nil {
			al := n.toAlert(rec, a)
			if !al.Mine { // our own, back from a neighbor after this node lost it
				n.metrics.received.Inc()
			}
			n.notify(al)
		}
	}
	return len(fresh)
}
