package agency

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync/atomic"
	"time"

	"github.com/libp2p/go-libp2p/core/network"

	"github.com/porchlight/porchlight/federation/deliver"
	"github.com/porchlight/porchlight/federation/roster"
	"github.com/porchlight/porchlight/federation/wire"
)

// A home delivers approved clips in the background: one at a time, to the agency the approval names, over
// a direct (or, if it must be, relayed) stream, resuming where the agency's copy stopped. A delivery is
// done when the agency's signed receipt for exactly that ciphertext is in.

const (
	protoDeliver  = "/porchlight/deliver/1.0.0"
	deliverWindow = 2 * time.Hour // one attempt may take this long (a long clip over a slow relay)
	// deliverProgress is what an attempt cut short must have sent to be retried at once: a relay with a
	// data limit (128 KiB per connection by libp2p's defaults) cuts every connection after that much, and
	// the delivery goes on in steps of it.
	deliverProgress = 64 << 10
	// deliverBusyRetry is when a delivery the agency answered "later" before taking any of it (it is
	// still receiving the clip on a stream that died) is first offered again.
	deliverBusyRetry = 2 * time.Second
)

// deliveryState is what a home keeps of an approved clip.
type deliveryState struct {
	Approval  []byte `cbor:"1,keyasint"` // the signed approval: the grant and the manifest
	Path      string `cbor:"2,keyasint"` // the sealed clip in the outbox (removed once delivered)
	Status    string `cbor:"3,keyasint"`
	Receipt   []byte `cbor:"4,keyasint,omitempty"`
	Delivered int64  `cbor:"5,keyasint,omitempty"`
	LastError string `cbor:"6,keyasint,omitempty"`
	Tries     int    `cbor:"7,keyasint,omitempty"` // failed attempts in a row that moved nothing
	NextTry   int64  `cbor:"8,keyasint,omitempty"` // unix ms: not before then
}

func (s *reqStore) putDelivery(id string, d deliveryState) error {
	return s.putCBOR(bDeliveries, requestKey(id), &d)
}

func (s *reqStore) deliveries() (map[string]deliveryState, error) {
	out := map[string]deliveryState{}
	err := s.eachCBOR(bDeliveries, func(k []byte, v []byte) error {
		var d deliveryState
		if wire.Unmarshal(v, &d) == nil {
			out[fmt.Sprintf("%x", k)] = d
		}
		return nil
	})
	return out, err
}

// Deliveries lists this home's approved clips.
func (ag *Agency) Deliveries() ([]DeliveryInfo, error) {
	all, err := ag.store.deliveries()
	if err != nil {
		return nil, err
	}
	out := []DeliveryInfo{}
	for id, d := range all {
		if info, err := deliveryInfo(id, d); err == nil {
			out = append(out, info)
		}
	}
	return out, nil
}

func deliveryInfo(id string, d deliveryState) (DeliveryInfo, error) {
	rec, err := wire.Decode(d.Approval)
	var a wire.Approval
	if err == nil {
		err = rec.Open(wire.KindApproval, &a)
	}
	if err != nil {
		return DeliveryInfo{}, err
	}
	info := DeliveryInfo{ID: id, Request: a.Request, Camera: a.Camera, Start: wire.Millis(a.Start), End: wire.Millis(a.End), Size: a.Size,
		Status: d.Status, LastError: d.LastError}
	if d.Delivered != 0 {
		info.Delivered = wire.Millis(d.Delivered)
	}
	return info, nil
}

func (ag *Agency) kickDelivery() {
	select {
	case ag.deliverKick <- struct{}{}:
	default:
	}
}

// deliverLoop sends pending approved clips until ctx is done.
func (ag *Agency) deliverLoop(ctx context.Context) {
	t := time.NewTicker(ag.cfg.DeliverRetry)
	defer t.Stop()
	for {
		ag.deliverPending(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-ag.deliverKick:
		}
	}
}

func (ag *Agency) deliverPending(ctx context.Context) {
	all, err := ag.store.deliveries()
	if err != nil {
		return
	}
	for id, d := range all {
		if d.Status != StatusApproved || ctx.Err() != nil || d.NextTry > time.Now().UnixMilli() {
			continue
		}
		moved, err := ag.deliverOne(ctx, id, d)
		if err != nil && ctx.Err() == nil {
			ag.log.Info("delivery not done yet, will retry", "approval", id, "sent", moved, "err", err)
			d.LastError = err.Error()
			ag.scheduleRetry(&d, moved, err)
			ag.store.putDelivery(id, d)
		}
	}
}

// scheduleRetry decides when a failed attempt is made again. A connection cut while the clip was moving
// (a relay's data limit, say) is resumed at once. Anything else backs off, doubling from DeliverRetry (or
// from deliverBusyRetry for an agency that said "later" before any of the clip was sent: it is still on a
// stream it lost) up to an hour, so that an agency that keeps failing after taking the whole clip (a full
// disk) is not sent it again and again.
func (ag *Agency) scheduleRetry(d *deliveryState, moved int64, err error) {
	var re *deliver.RefusedError
	refused := errors.As(err, &re)
	if !refused && moved >= deliverProgress {
		d.Tries, d.NextTry = 0, 0
		ag.kickDelivery()
		return
	}
	base := ag.cfg.DeliverRetry
	if refused && moved < deliverProgress {
		base = deliverBusyRetry
	}
	d.Tries++
	wait := min(base<<min(d.Tries-1, 16), time.Hour)
	d.NextTry = time.Now().Add(wait).UnixMilli() // the wall clock: a local timer, not a protocol time
	time.AfterFunc(wait, ag.kickDelivery)
}

// deliverOne sends one approved clip and records the agency's receipt. It returns what it wrote to the
// agency, whatever the outcome.
func (ag *Agency) deliverOne(ctx context.Context, id string, d deliveryState) (int64, error) {
	rec, err := wire.Decode(d.Approval)
	var a wire.Approval
	if err == nil {
		err = rec.Open(wire.KindApproval, &a)
	}
	if err != nil {
		return 0, err
	}
	agency, err := roster.PeerOf(a.Recipient)
	if err != nil {
		return 0, err
	}
	if !ag.core.IsHoodMember(a.Hood, agency) { // revoked since the approval: it gets nothing
		return 0, ag.endDelivery(id, d, StatusCancelled, "the agency was removed from the hood")
	}
	ctx, cancel := context.WithTimeout(ctx, deliverWindow)
	defer cancel()
	st, err := ag.core.OpenStream(ctx, agency, protoDeliver)
	if err != nil {
		return 0, err
	}
	defer st.Close()
	s := &countingStream{Stream: st}
	receipt, err := ag.core.SendApproved(ctx, s, &a, rec, d.Path)
	var re *deliver.RefusedError
	if errors.As(err, &re) && !re.Later { // the agency said no (a closed request, say): no retries
		s.Reset()
		return s.n.Load(), ag.endDelivery(id, d, StatusRefused, err.Error())
	}
	if err != nil {
		s.Reset()
		return s.n.Load(), err
	}
	if err := checkReceipt(receipt, id, a); err != nil {
		return s.n.Load(), err
	}
	d.Status, d.Receipt, d.Delivered, d.LastError = StatusDelivered, receipt, ag.now().UnixMilli(), ""
	if err := ag.store.putDelivery(id, d); err != nil {
		return s.n.Load(), err
	}
	os.Remove(d.Path)
	ag.store.updateRequest(a.Request, func(s *requestState) error {
		s.Status = StatusDelivered
		return nil
	})
	ag.metrics.delivered.Inc()
	ag.log.Info("clip delivered", "approval", id, "request", a.Request, "camera", a.Camera)
	return s.n.Load(), nil
}

// countingStream counts what is written to a stream (the bandwidth meters catch up only every second).
type countingStream struct {
	network.Stream
	n atomic.Int64
}

func (s *countingStream) Write(p []byte) (int, error) {
	n, err := s.Stream.Write(p)
	s.n.Add(int64(n))
	return n, err
}

// checkReceipt verifies the agency's receipt names this approval and ciphertext and is signed by it.
func checkReceipt(b []byte, approvalID string, a wire.Approval) error {
	rec, err := wire.Decode(b)
	var r wire.Receipt
	if err == nil {
		err = rec.Open(wire.KindReceipt, &r)
	}
	if err == nil {
		err = rec.Verify(a.Recipient)
	}
	if err == nil && (r.Approval != approvalID || r.Request != a.Request || string(r.SHA256) != string(a.CipherSHA256) ||
		string(r.Agency) != string(a.Recipient)) {
		err = errors.New("receipt is for another clip")
	}
	if err != nil {
		return fmt.Errorf("%w: agency receipt: %w", roster.ErrInvalid, err)
	}
	return nil
}

// endDelivery gives up on an approved clip for good: the sealed copy is removed and the reason kept.
func (ag *Agency) endDelivery(id string, d deliveryState, status, reason string) error {
	d.Status, d.LastError = status, reason
	os.Remove(d.Path)
	ag.log.Info("delivery ended", "approval", id, "status", status, "reason", reason)
	return ag.store.putDelivery(id, d)
}
