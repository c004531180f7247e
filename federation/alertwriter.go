package federation

import (
	"context"

	"github.com/porchlight/porchlight/federation/wire"
)

// Alerts that arrive by gossip are stored by one writer that takes whatever has queued up in one bbolt
// transaction: a burst of alerts costs a few fsyncs, not one each, and the topic is read without waiting
// for the disk (gossipsub drops messages for a subscriber that falls behind).

const alertQueue = 4096

// queueAlert hands a validated gossiped alert to the writer; when the queue is full the alert is left to
// the next sync.
func (n *Node) queueAlert(hoodID string, rec wire.Signed) {
	var a wire.Alert
	if rec.Open(wire.KindAlert, &a) != nil {
		return
	}
	select {
	case n.alertQ <- storedAlert{hood: hoodID, id: rec.ID(), time: a.Time, rec: rec.Marshal()}:
	default:
		n.log.Warn("alert queue full: left to the next sync", "hood", hoodID, "alert", rec.ID())
	}
}

// alertWriter stores queued alerts in batches until ctx is done.
func (n *Node) alertWriter(ctx context.Context) {
	batch := make([]storedAlert, 0, 256)
	for {
		select {
		case <-ctx.Done():
			return
		case a := <-n.alertQ:
			batch = append(batch[:0], a)
		}
	drain:
		for len(batch) < cap(batch) {
			select {
			case a := <-n.alertQ:
				batch = append(batch, a)
			default:
				break drain
			}
		}
		n.storeAlerts(batch)
	}
}

// storeAlerts stores validated alerts and tells subscribers about the new ones.
func (n *Node) storeAlerts(batch []storedAlert) int {
	added, err := n.store.addAlerts(batch)
	if err != nil {
		n.log.Warn("store alerts", "err", err)
		return 0
	}
	for _, s := range added {
		if rec, a, err := openAlert(s.rec); err == nil {
			al := n.toAlert(rec, a)
			if !al.Mine { // our own alert, delivered back by the topic before PostAlert stored it
				n.metrics.received.Inc()
			}
			n.notify(al)
		}
	}
	return len(added)
}
