package agency

import (
	"fmt"
	"sort"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"
	bolt "go.etcd.io/bbolt"

	"github.com/porchlight/porchlight/federation/roster"
	"github.com/porchlight/porchlight/federation/wire"
)

// AgencyEntry is one agency admitted to a hood: who, what its credential allows, since when, and how many
// requests this node has seen from it. Every member sees the same directory.
type AgencyEntry struct {
	Hood        string
	Agency      peer.ID
	Name        string
	Lat, Lon    float64 // scope centre
	Radius      float64 // scope radius, metres
	MaxAreaSqMi float64
	MaxWindow   time.Duration
	PerDay      int
	Since       time.Time
	Expires     time.Time
	Revoked     bool
	Requests    int
	// SignedBy names the stewards whose signatures on the credential count (its issuer first, then the
	// valid endorsements): their display names, or peer IDs for stewards not in the roster yet.
	SignedBy []string
}

// Directory lists the agencies of this node's hoods.
func (ag *Agency) Directory() []AgencyEntry {
	counts := map[string]int{}
	ag.store.eachRequest(func(_ string, st requestState) error {
		counts[st.Hood+"/"+st.Agency]++
		return nil
	})
	out := []AgencyEntry{}
	ag.core.Rosters(func(r *roster.Roster) {
		hid := r.ID()
		for id, m := range r.Members() {
			s := m.Cert.Scope
			if m.Cert.Role != wire.RoleAgency || s == nil {
				continue
			}
			lat, lon := s.Area.Center.Degrees()
			out = append(out, AgencyEntry{Hood: hid, Agency: id, Name: m.Cert.Name, Lat: lat, Lon: lon,
				Radius: float64(s.Area.Radius), MaxAreaSqMi: float64(s.MaxArea) / roster.SquareMetresPerSqMi,
				MaxWindow: time.Duration(s.MaxWindow) * time.Millisecond, PerDay: int(s.PerDay),
				Since: wire.Millis(m.Cert.Issued), Expires: wire.Millis(s.Expires), Revoked: !r.Active(id),
				Requests: counts[hid+"/"+id.String()], SignedBy: r.SignerNames(m.Cert)})
		}
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// CloseRequest ends one of this agency's requests: the close goes into the public log, and homes take the
// request out of their inboxes when they next audit the log.
func (ag *Agency) CloseRequest(id string) (RequestInfo, error) {
	st, err := ag.store.request(id)
	if err != nil || st.Agency != ag.self.String() {
		return RequestInfo{}, fmt.Errorf("%w: no request %s of this agency", roster.ErrNotFound, id)
	}
	if st.Status == StatusClosed {
		return ag.requestInfo(id, st)
	}
	// The close and the status commit together, so a retry after a crash cannot log a second close.
	_, err = ag.logEntry(wire.LogEntry{Kind: wire.EntryClose, Request: id, Time: ag.now().UnixMilli()},
		func(tx *bolt.Tx, _ int64) error {
			return updateRequestTx(tx, id, func(s *requestState) error { s.Status = StatusClosed; return nil })
		})
	if err != nil {
		return RequestInfo{}, err
	}
	return ag.Request(id)
}
