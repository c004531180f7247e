package federation

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/porchlight/porchlight/federation/roster"
	"github.com/porchlight/porchlight/federation/wire"
)

// Alert retention and catch-up windows.
const (
	AlertRetention = 30 * 24 * time.Hour // alerts (and attached clips' holds) are kept this long
	CatchUpWindow  = 7 * 24 * time.Hour  // a node that was offline gets at most this much back
	MaxClip        = 10 * time.Minute    // longest clip an alert may attach
)

// Alert is a neighbor's post as this node holds it.
type Alert struct {
	ID, Hood       string
	Author         peer.ID
	AuthorName     string
	Time           time.Time
	Category, Text string
	Lat, Lon       *float64 // coarse
	Clip           *ClipInfo
	Mine           bool
}

// ClipInfo describes a clip attached to an alert.
type ClipInfo struct {
	Camera     string
	Start, End time.Time
	Size       int64
}

// AlertDraft is an alert to post. Hood "" means the only hood. Camera, Start and End attach a clip: the
// owner's explicit choice to share that footage with the hood.
type AlertDraft struct {
	Hood, Text, Category string
	Lat, Lon             *float64
	Camera               string
	Start, End           time.Time
}

// PostAlert signs an alert, stores it and publishes it to the hood.
func (n *Node) PostAlert(ctx context.Context, d AlertDraft) (Alert, error) {
	n.mu.RLock()
	h, err := n.resolveHood(d.Hood)
	var hid string
	if err == nil {
		hid = h.r.ID()
		if !h.r.Active(n.self) {
			err = fmt.Errorf("%w: this node was removed from %q", ErrRevoked, h.r.Genesis().Name)
		}
	}
	n.mu.RUnlock()
	if err != nil {
		return Alert{}, err
	}
	if !n.limits.allow(n.self) {
		return Alert{}, ErrRateLimited
	}
	a := wire.Alert{Hood: hid, Author: n.pub(), Time: n.now().UnixMilli(), Category: d.Category,
		Text: strings.TrimSpace(d.Text), Nonce: make([]byte, 8)}
	rand.Read(a.Nonce)
	if (d.Lat == nil) != (d.Lon == nil) {
		return Alert{}, fmt.Errorf("%w: give both lat and lon or neither", ErrInvalid)
	}
	if d.Lat != nil {
		p, err := wire.Coarsen(*d.Lat, *d.Lon, n.cfg.LocationPrecision)
		if err != nil {
			return Alert{}, fmt.Errorf("%w: %w", ErrInvalid, err)
		}
		a.Place = &p
	}
	if d.Camera != "" {
		if a.Clip, err = n.attachClip(ctx, d); err != nil {
			return Alert{}, err
		}
	}
	rec, err := wire.Sign(wire.KindAlert, &a, n.cfg.Key)
	if err == nil && len(rec.Marshal()) > wire.MaxRecord {
		err = fmt.Errorf("%w: alert too large", ErrInvalid)
	}
	if err == nil {
		err = rec.Open(wire.KindAlert, new(wire.Alert)) // the same checks receivers make
	}
	if err != nil {
		return Alert{}, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	// Publish before the local write: neighbors need not wait for this node's fsync. The claim comes
	// first, so the copy the topic hands back to us is not stored twice.
	n.store.claim(hid, rec.ID())
	pubErr := n.publish(hid, rec)
	if err := n.store.addAlert(hid, rec.ID(), a.Time, rec.Marshal()); err != nil {
		n.store.unclaim(hid, rec.ID())
		return Alert{}, fmt.Errorf("store alert: %w", err)
	}
	out := n.toAlert(rec, a)
	n.notify(out)
	n.metrics.posted.Inc()
	return out, pubErr
}

// attachClip hashes the clip the owner chose and holds it from retention for as long as the alert lives.
// The range is cut to the milliseconds the alert carries first: the clip served later is exported from
// those, so the hash must be of the same range (a frame between the millisecond and the nanosecond the
// owner gave would otherwise be in one export and not in the other).
func (n *Node) attachClip(ctx context.Context, d AlertDraft) (*wire.ClipRef, error) {
	start, end := time.UnixMilli(d.Start.UnixMilli()), time.UnixMilli(d.End.UnixMilli())
	if !end.After(start) || end.Sub(start) > MaxClip {
		return nil, fmt.Errorf("%w: clip must end after it starts and last at most %s", ErrInvalid, MaxClip)
	}
	hash := sha256.New()
	size, err := n.exportLocal(ctx, d.Camera, start, end, hash)
	if err != nil {
		return nil, fmt.Errorf("attach clip: %w", err)
	}
	n.cfg.Clips.Hold(d.Camera, start, end, n.now().Add(AlertRetention))
	return &wire.ClipRef{Camera: d.Camera, Start: start.UnixMilli(), End: end.UnixMilli(), Size: size,
		SHA256: hash.Sum(nil)}, nil
}

// toAlert turns a verified record into the API's view.
func (n *Node) toAlert(rec wire.Signed, a wire.Alert) Alert {
	author, _ := roster.PeerOf(a.Author)
	out := Alert{ID: rec.ID(), Hood: a.Hood, Author: author, Time: time.UnixMilli(a.Time).UTC(),
		Category: a.Category, Text: a.Text, Mine: author == n.self}
	n.mu.RLock()
	if h, ok := n.hoods[a.Hood]; ok {
		if m, ok := h.r.Member(author); ok {
			out.AuthorName = m.Cert.Name
		}
	}
	n.mu.RUnlock()
	if a.Place != nil {
		lat, lon := a.Place.Degrees()
		out.Lat, out.Lon = &lat, &lon
	}
	if c := a.Clip; c != nil {
		out.Clip = &ClipInfo{Camera: c.Camera, Start: time.UnixMilli(c.Start).UTC(), End: time.UnixMilli(c.End).UTC(), Size: c.Size}
	}
	return out
}

// Alerts returns a hood's alerts ("" = every hood) from since on, newest first.
func (n *Node) Alerts(hoodID string, since time.Time) ([]Alert, error) {
	var ids []string
	n.mu.RLock()
	if hoodID == "" {
		for id := range n.hoods {
			ids = append(ids, id)
		}
	} else if h, err := n.resolveHood(hoodID); err != nil {
		n.mu.RUnlock()
		return nil, err
	} else {
		ids = []string{h.r.ID()}
	}
	n.mu.RUnlock()
	n.writer.flush() // every alert handed to subscribers is listed
	out := []Alert{}
	for _, id := range ids {
		err := n.store.alertsSince(id, since.UnixMilli(), func(b []byte) bool {
			if rec, a, err := openAlert(b); err == nil {
				out = append(out, n.toAlert(rec, a))
			}
			return true
		})
		if err != nil {
			return nil, err
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Time.After(out[j].Time) })
	return out, nil
}

func openAlert(b []byte) (wire.Signed, wire.Alert, error) {
	var a wire.Alert
	rec, err := wire.Decode(b)
	if err == nil {
		err = rec.Open(wire.KindAlert, &a)
	}
	return rec, a, err
}

// SubscribeAlerts delivers every alert this node posts or accepts from now on until cancel.
// A slow reader misses alerts rather than blocking the node.
func (n *Node) SubscribeAlerts() (<-chan Alert, func()) { return n.alertSubs.Subscribe(64) }

func (n *Node) notify(a Alert) { n.alertSubs.Send(a) }

// restoreHolds keeps the clips of our own alerts from retention again after a restart.
func (n *Node) restoreHolds() {
	if n.cfg.Clips == nil {
		return
	}
	for _, id := range n.store.hoodIDs() {
		n.store.alertsSince(id, n.now().Add(-AlertRetention).UnixMilli(), func(b []byte) bool {
			if _, a, err := openAlert(b); err == nil && a.Clip != nil && string(a.Author) == string(n.pub()) {
				n.cfg.Clips.Hold(a.Clip.Camera, time.UnixMilli(a.Clip.Start), time.UnixMilli(a.Clip.End),
					time.UnixMilli(a.Time).Add(AlertRetention))
			}
			return true
		})
	}
}
