package federation

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/porchlight/porchlight/federation/deliver"
	"github.com/porchlight/porchlight/federation/wire"
)

// A home delivers approved clips in the background: one at a time, to the agency the approval names, over
// a direct (or, if it must be, relayed) stream, resuming where the agency's copy stopped. A delivery is
// done when the agency's signed receipt for exactly that ciphertext is in.

const (
	protoDeliver  = "/porchlight/deliver/1.0.0"
	deliverRetry  = 15 * time.Second
	deliverWindow = 2 * time.Hour // one attempt may take this long (a long clip over a slow relay)
)

// deliveryState is what a home keeps of an approved clip.
type deliveryState struct {
	Approval  []byte `cbor:"1,keyasint"` // the signed approval: the grant and the manifest
	Path      string `cbor:"2,keyasint"` // the sealed clip in the outbox (removed once delivered)
	Status    string `cbor:"3,keyasint"`
	Receipt   []byte `cbor:"4,keyasint,omitempty"`
	Delivered int64  `cbor:"5,keyasint,omitempty"`
	LastError string `cbor:"6,keyasint,omitempty"`
}

func (s *store) putDelivery(id string, d deliveryState) error {
	return s.putCBOR(bDeliveries, requestKey(id), &d)
}

func (s *store) deliveries() (map[string]deliveryState, error) {
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
func (n *Node) Deliveries() ([]DeliveryInfo, error) {
	all, err := n.store.deliveries()
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
	info := DeliveryInfo{ID: id, Request: a.Request, Camera: a.Camera, Start: ms(a.Start), End: ms(a.End), Size: a.Size,
		Status: d.Status, LastError: d.LastError}
	if d.Delivered != 0 {
		info.Delivered = ms(d.Delivered)
	}
	return info, nil
}

func (n *Node) kickDelivery() {
	select {
	case n.deliverKick <- struct{}{}:
	default:
	}
}

// deliverLoop sends pending approved clips until ctx is done.
func (n *Node) deliverLoop(ctx context.Context) {
	t := time.NewTicker(deliverRetry)
	defer t.Stop()
	for {
		n.deliverPending(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-n.deliverKick:
		}
	}
}

func (n *Node) deliverPending(ctx context.Context) {
	all, err := n.store.deliveries()
	if err != nil {
		return
	}
	for id, d := range all {
		if d.Status != StatusApproved || ctx.Err() != nil {
			continue
		}
		err := n.deliverOne(ctx, id, d)
		if err != nil && ctx.Err() == nil {
			n.log.Info("delivery not done yet, will retry", "approval", id, "err", err)
			d.LastError = err.Error()
			n.store.putDelivery(id, d)
		}
	}
}

// deliverOne sends one approved clip and records the agency's receipt.
func (n *Node) deliverOne(ctx context.Context, id string, d deliveryState) error {
	rec, err := wire.Decode(d.Approval)
	var a wire.Approval
	if err == nil {
		err = rec.Open(wire.KindApproval, &a)
	}
	if err != nil {
		return err
	}
	agency, err := peerOf(a.Recipient)
	if err != nil {
		return err
	}
	if !n.isHoodMember(a.Hood, agency) { // revoked since the approval: it gets nothing
		return n.endDelivery(id, d, StatusCancelled, "the agency was removed from the hood")
	}
	ctx, cancel := context.WithTimeout(ctx, deliverWindow)
	defer cancel()
	s, err := n.openTo(ctx, agency, protoDeliver)
	if err != nil {
		return err
	}
	defer s.Close()
	receipt, err := n.sendFootage(ctx, s, grant{hood: a.Hood, approval: &a, rec: rec, sealed: d.Path})
	if errors.Is(err, deliver.ErrRefused) { // the agency said no (a closed request, say): no retries
		s.Reset()
		return n.endDelivery(id, d, StatusRefused, err.Error())
	}
	if err != nil {
		s.Reset()
		return err
	}
	if err := checkReceipt(receipt, id, a); err != nil {
		return err
	}
	d.Status, d.Receipt, d.Delivered, d.LastError = StatusDelivered, receipt, n.now().UnixMilli(), ""
	if err := n.store.putDelivery(id, d); err != nil {
		return err
	}
	os.Remove(d.Path)
	n.store.updateRequest(a.Request, func(s *requestState) error {
		s.Status = StatusDelivered
		return nil
	})
	n.metrics.delivered.Inc()
	n.log.Info("clip delivered", "approval", id, "request", a.Request, "camera", a.Camera)
	return nil
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
		return fmt.Errorf("%w: agency receipt: %w", ErrInvalid, err)
	}
	return nil
}

// endDelivery gives up on an approved clip for good: the sealed copy is removed and the reason kept.
func (n *Node) endDelivery(id string, d deliveryState, status, reason string) error {
	d.Status, d.LastError = status, reason
	os.Remove(d.Path)
	n.log.Info("delivery ended", "approval", id, "status", status, "reason", reason)
	return n.store.putDelivery(id, d)
}
