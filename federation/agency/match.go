package agency

import (
	"slices"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"
	bolt "go.etcd.io/bbolt"

	"github.com/porchlight/porchlight/federation/geo"
	"github.com/porchlight/porchlight/federation/roster"
	"github.com/porchlight/porchlight/federation/wire"
)

// Camera is one of this home's cameras as the request matcher sees it.
type Camera struct {
	Name string
	View geo.View // where it is and what it sees
}

// CameraSource tells the matcher which cameras have a location and what they recorded. nvr implements it
// over the recorder's index; a node without one (an agency) matches nothing.
type CameraSource interface {
	Cameras() []Camera
	// Recorded reports whether the camera holds footage overlapping [start, end).
	Recorded(camera string, start, end time.Time) bool
}

// Policy is the owner's standing answer to agency requests. Requests it excludes are still listed in the
// public list but never reach the inbox.
type Policy struct {
	OptOut     bool      `cbor:"1,keyasint" json:"opt_out"`     // no request is ever matched
	Muted      []peer.ID `cbor:"2,keyasint" json:"muted"`       // agencies whose requests are never matched
	NeverShare []string  `cbor:"3,keyasint" json:"never_share"` // cameras never matched
}

var (
	bPolicy   = []byte("policy")
	policyKey = []byte("policy")
)

// Policy returns the owner's request policy.
func (ag *Agency) Policy() Policy {
	var p Policy
	ag.store.db.View(func(tx *bolt.Tx) error {
		if v := tx.Bucket(bPolicy).Get(policyKey); v != nil {
			wire.Unmarshal(v, &p)
		}
		return nil
	})
	return p
}

// SetPolicy stores the owner's request policy; it applies to requests that arrive from now on.
func (ag *Agency) SetPolicy(p Policy) error {
	b, err := wire.Marshal(&p)
	if err != nil {
		return err
	}
	return ag.store.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bPolicy).Put(policyKey, b) })
}

// matchRequest lists this home's cameras that see the request's area and hold footage of its window,
// leaving out what the owner's policy excludes. It runs on this node only; its answer never leaves it.
func (ag *Agency) matchRequest(r *wire.Request, agency peer.ID) []string {
	if ag.cfg.Cameras == nil {
		return nil
	}
	pol := ag.Policy()
	if pol.OptOut || slices.Contains(pol.Muted, agency) {
		return nil
	}
	area, err := roster.GeoArea(r.Area)
	if err != nil {
		return nil
	}
	var out []string
	for _, c := range ag.cfg.Cameras.Cameras() {
		if slices.Contains(pol.NeverShare, c.Name) || !c.View.Meets(area) {
			continue
		}
		if ag.cfg.Cameras.Recorded(c.Name, wire.Millis(r.Start), wire.Millis(r.End)) {
			out = append(out, c.Name)
		}
	}
	return out
}
