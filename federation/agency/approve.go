package agency

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"filippo.io/age"

	"github.com/porchlight/porchlight/federation/deliver"
	"github.com/porchlight/porchlight/federation/roster"
	"github.com/porchlight/porchlight/federation/wire"
	"github.com/porchlight/porchlight/internal/atomicfile"
)

// outboxDir holds sealed clips until their agency has them.
const outboxDir = "outbox"

// Approval is an owner's answer to a request: one clip for the agency.
type Approval struct {
	Camera     string
	Start, End time.Time // zero: the request's window
	Note       string
}

// DeliveryInfo is an approved clip and where its delivery stands.
type DeliveryInfo struct {
	ID, Request, Camera string
	Start, End          time.Time
	Size                int64
	Status              string // approved (on its way) or delivered
	Delivered           time.Time
	LastError           string
}

// Approve exports the clip the owner picked from a matching camera, seals it to the agency's key and
// signs the approval that lets it leave: the one grant delivery accepts. The clip is held from retention
// until the request expires and is sent in the background, resuming after lost connections.
func (ag *Agency) Approve(ctx context.Context, requestID string, a Approval) (DeliveryInfo, error) {
	st, err := ag.store.request(requestID)
	if err != nil {
		return DeliveryInfo{}, fmt.Errorf("%w: request %s", roster.ErrNotFound, requestID)
	}
	info, err := ag.requestInfo(requestID, st)
	if err != nil {
		return DeliveryInfo{}, err
	}
	switch {
	case ag.cfg.Clips == nil:
		return DeliveryInfo{}, fmt.Errorf("%w: this node records no cameras", roster.ErrInvalid)
	case st.Status == StatusDeclined:
		return DeliveryInfo{}, fmt.Errorf("%w: you declined this request", roster.ErrInvalid)
	case len(st.Matches) == 0:
		return DeliveryInfo{}, fmt.Errorf("%w: none of your cameras matches this request", roster.ErrInvalid)
	case !slices.Contains(st.Matches, a.Camera):
		return DeliveryInfo{}, fmt.Errorf("%w: camera %q does not match this request (matching: %s)", roster.ErrInvalid,
			a.Camera, strings.Join(st.Matches, ", "))
	case slices.Contains(ag.Policy().NeverShare, a.Camera):
		return DeliveryInfo{}, fmt.Errorf("%w: camera %q is marked never-share", roster.ErrInvalid, a.Camera)
	case ag.now().After(info.Expires):
		return DeliveryInfo{}, fmt.Errorf("%w: the request expired at %s", roster.ErrInvalid, info.Expires.Format(time.RFC3339))
	}
	if a.Start.IsZero() {
		a.Start = info.Start
	}
	if a.End.IsZero() {
		a.End = info.End
	}
	if a.Start.Before(info.Start) || a.End.After(info.End) || !a.End.After(a.Start) {
		return DeliveryInfo{}, fmt.Errorf("%w: the clip must lie within the request's window %s – %s", roster.ErrInvalid,
			info.Start.Format(time.RFC3339), info.End.Format(time.RFC3339))
	}
	if len(a.Note) > wire.MaxNote {
		return DeliveryInfo{}, fmt.Errorf("%w: note longer than %d bytes", roster.ErrInvalid, wire.MaxNote)
	}
	recipient, agencyKey, err := ag.agencyRecipient(info.Hood, info)
	if err != nil {
		return DeliveryInfo{}, err
	}
	if err := ag.checkLogged(ctx, st); err != nil {
		return DeliveryInfo{}, err
	}
	path, sums, err := ag.sealClip(ctx, a, recipient) // the export holds the range from retention meanwhile
	if err != nil {
		return DeliveryInfo{}, err
	}
	ap := wire.Approval{Hood: info.Hood, Request: requestID, Owner: ag.pub(), Recipient: agencyKey, Camera: a.Camera,
		Start: a.Start.UnixMilli(), End: a.End.UnixMilli(), Size: sums.PlainSize, SHA256: sums.PlainSHA256[:],
		CipherSize: sums.CipherSize, CipherSHA256: sums.CipherSHA256[:], Note: strings.TrimSpace(a.Note),
		Time: ag.now().UnixMilli()}
	rec, err := wire.Sign(wire.KindApproval, &ap, ag.cfg.Key)
	if err != nil {
		os.Remove(path)
		return DeliveryInfo{}, err
	}
	ds := deliveryState{Approval: rec.Marshal(), Path: path, Status: StatusApproved}
	// The status moves to approved only now, after the export; a decline meanwhile wins, and nothing leaves.
	if err := ag.store.updateRequest(requestID, func(s *requestState) error {
		if s.Status == StatusDeclined {
			return fmt.Errorf("%w: you declined this request while the clip was prepared", roster.ErrInvalid)
		}
		if s.Status != StatusDelivered {
			s.Status = StatusApproved
		}
		return nil
	}); err != nil {
		os.Remove(path)
		return DeliveryInfo{}, err
	}
	if err := ag.store.putDelivery(rec.ID(), ds); err != nil {
		os.Remove(path)
		return DeliveryInfo{}, fmt.Errorf("store approval: %w", err)
	}
	// Only an approval that stands holds its clip: a failed attempt, which the owner may retry with another
	// range, must not keep its range (up to a week's window) from retention until the request expires.
	ag.cfg.Clips.Hold(a.Camera, a.Start, a.End, info.Expires)
	ag.kickDelivery()
	return deliveryInfo(rec.ID(), ds)
}

// Decline records the owner's no. Nothing is sent anywhere: the agency cannot tell a decline from a home
// that never saw the request.
func (ag *Agency) Decline(requestID string) error {
	return ag.store.updateRequest(requestID, func(s *requestState) error {
		if s.Status == StatusApproved || s.Status == StatusDelivered {
			return fmt.Errorf("%w: already approved", roster.ErrInvalid)
		}
		s.Status = StatusDeclined
		return nil
	})
}

// agencyRecipient is the age key and identity key of the agency that posted a request, from its current
// credential: an agency revoked since cannot receive.
func (ag *Agency) agencyRecipient(hoodID string, info RequestInfo) (age.Recipient, []byte, error) {
	var m roster.Member
	var active bool
	if err := ag.core.Roster(hoodID, func(r *roster.Roster) {
		m, _ = r.Member(info.Agency)
		active = r.Active(info.Agency)
	}); err != nil {
		return nil, nil, err
	}
	if !active || m.Cert.Scope == nil {
		return nil, nil, fmt.Errorf("%w: the agency is no longer admitted to this hood", roster.ErrRevoked)
	}
	r, err := age.ParseX25519Recipient(m.Cert.Scope.Recipient)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: agency key: %w", roster.ErrInvalid, err)
	}
	return r, m.Cert.Member, nil
}

// sealClip exports the clip into its sealed file in the outbox in one pass: the export writes into the
// age encryption, so the clip is never stored in the clear, not even for a moment.
func (ag *Agency) sealClip(ctx context.Context, a Approval, to age.Recipient) (string, deliver.Sums, error) {
	dir := filepath.Join(ag.cfg.DataDir, outboxDir)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", deliver.Sums{}, err
	}
	sealed, err := os.CreateTemp(dir, "clip-*.age")
	if err != nil {
		return "", deliver.Sums{}, err
	}
	fail := func(err error) (string, deliver.Sums, error) {
		sealed.Close()
		os.Remove(sealed.Name())
		return "", deliver.Sums{}, err
	}
	s, err := deliver.NewSealer(sealed, to)
	if err != nil {
		return fail(err)
	}
	if _, err := ag.core.ExportLocal(ctx, a.Camera, a.Start, a.End, s); err != nil {
		return fail(fmt.Errorf("export clip: %w", err))
	}
	sums, err := s.Finish()
	if err == nil {
		err = sealed.Sync()
	}
	if cerr := sealed.Close(); err == nil {
		err = cerr
	}
	path := filepath.Join(dir, sums.ID()+".age")
	if err == nil {
		err = atomicfile.Rename(sealed.Name(), path) // the new name survives a power cut before the approval is stored
	}
	if err != nil {
		os.Remove(sealed.Name())
		return "", deliver.Sums{}, fmt.Errorf("seal clip: %w", err)
	}
	return path, sums, nil
}
