package agency

import (
	"errors"
	"testing"
	"time"

	"github.com/porchlight/porchlight/federation/deliver"
)

// When a failed delivery is tried again: at once after a cut that moved data, soon after a "later" at the
// offer, and with a doubling back-off, up to an hour, after anything else (so an agency that fails after
// taking the whole clip is not sent it over and over).
func TestDeliveryRetrySchedule(t *testing.T) {
	const retry = 15 * time.Second
	n := &Agency{cfg: Config{DeliverRetry: retry}, deliverKick: make(chan struct{}, 1)}
	cut := errors.New("stream reset")
	busy := &deliver.RefusedError{Reason: "busy", Later: true}
	full := &deliver.RefusedError{Reason: "storage error", Later: true}
	steps := []struct {
		name      string
		moved     int64
		err       error
		wantTries int
		wantWait  time.Duration // 0: no wait
	}{
		{"unreachable", 0, cut, 1, retry},
		{"unreachable again", 0, cut, 2, 2 * retry},
		{"cut after 40 MB", 40 << 20, cut, 0, 0},
		{"busy at the offer", 419, busy, 1, deliverBusyRetry},
		{"busy again", 419, busy, 2, 2 * deliverBusyRetry},
		{"storage error after the body", 100 << 20, full, 3, 4 * retry},
		{"storage error again", 100 << 20, full, 4, 8 * retry},
	}
	var d deliveryState
	for _, s := range steps {
		before := time.Now()
		n.scheduleRetry(&d, s.moved, s.err)
		if d.Tries != s.wantTries {
			t.Errorf("%s: tries %d, want %d", s.name, d.Tries, s.wantTries)
		}
		if s.wantWait == 0 {
			if d.NextTry != 0 {
				t.Errorf("%s: next try at %d, want at once", s.name, d.NextTry)
			}
			select {
			case <-n.deliverKick:
			default:
				t.Errorf("%s: no kick, want the delivery resumed at once", s.name)
			}
			continue
		}
		lo, hi := before.Add(s.wantWait).UnixMilli(), time.Now().Add(s.wantWait).UnixMilli()
		if d.NextTry < lo || d.NextTry > hi {
			t.Errorf("%s: next try in %v, want %v", s.name, time.Duration(d.NextTry-before.UnixMilli())*time.Millisecond, s.wantWait)
		}
	}
	for range 30 {
		n.scheduleRetry(&d, 0, cut)
	}
	if wait := time.Until(time.UnixMilli(d.NextTry)); wait > time.Hour || wait < time.Hour-time.Minute {
		t.Errorf("after many failures: next try in %v, want an hour", wait)
	}
}
