package agency

import (
	"context"
	"crypto/rand"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/porchlight/porchlight/federation/roster"
	"github.com/porchlight/porchlight/federation/tlog"
	"github.com/porchlight/porchlight/federation/wire"
)

// DefaultRequestLife is how long a request stays open when the agency gives no expiry.
const DefaultRequestLife = 7 * 24 * time.Hour

// RequestDraft is a request an agency posts. Hood "" means the only hood.
type RequestDraft struct {
	Hood, Case, Category, Reason, Contact string
	Lat, Lon, Radius                      float64      // centre (degrees) and radius (metres)
	Polygon                               [][2]float64 // optional [lat, lon] vertices inside the circle
	Start, End                            time.Time    // the footage window
	Life                                  time.Duration
}

// PostRequest signs a request, appends it to this agency's public log and sends it to the hood with its
// inclusion proof. It checks the agency's own scope first, as every home will.
func (ag *Agency) PostRequest(ctx context.Context, d RequestDraft) (RequestInfo, error) {
	var hid string
	var scope *wire.Scope
	err := ag.core.Roster(d.Hood, func(r *roster.Roster) {
		hid = r.ID()
		if m, ok := r.Member(ag.self); ok && r.Active(ag.self) && m.Cert.Role == wire.RoleAgency {
			scope = m.Cert.Scope
		}
	})
	if err != nil {
		return RequestInfo{}, err
	}
	if scope == nil {
		return RequestInfo{}, fmt.Errorf("%w: this node holds no agency credential with a scope in this hood: ask the steward "+
			"for an agency invite with --scope-lat, --scope-lon and --scope-radius", roster.ErrNoCredential)
	}
	now := ag.now()
	if now.UnixMilli() > scope.Expires {
		return RequestInfo{}, fmt.Errorf("%w: the agency's credential expired at %s; ask the steward for a new invite",
			roster.ErrNoCredential, wire.Millis(scope.Expires).Format(time.RFC3339))
	}
	if d.Life == 0 {
		d.Life = DefaultRequestLife
	}
	if d.Life < 0 || d.Life > MaxRequestLife {
		return RequestInfo{}, fmt.Errorf("%w: a request stays open at most %s", roster.ErrInvalid, MaxRequestLife)
	}
	area, err := draftArea(d)
	if err != nil {
		return RequestInfo{}, err
	}
	r := wire.Request{Hood: hid, Agency: ag.pub(), Case: strings.TrimSpace(d.Case), Category: d.Category,
		Reason: strings.TrimSpace(d.Reason), Area: area, Start: d.Start.UnixMilli(), End: d.End.UnixMilli(),
		Expires: now.Add(d.Life).UnixMilli(), Contact: d.Contact, Time: now.UnixMilli(), Nonce: make([]byte, 12)}
	rand.Read(r.Nonce)
	rec, err := wire.Sign(wire.KindRequest, &r, ag.cfg.Key)
	if err == nil {
		err = rec.Open(wire.KindRequest, new(wire.Request)) // the shape checks homes make
	}
	if err != nil {
		return RequestInfo{}, fmt.Errorf("%w: %w", roster.ErrInvalid, err)
	}
	if err := roster.CheckRequest(&r, *scope); err != nil {
		return RequestInfo{}, fmt.Errorf("%w: %w", roster.ErrInvalid, err)
	}
	if ag.store.requestsSince(hid, ag.self, r.Time-24*time.Hour.Milliseconds()) >= int(scope.PerDay) {
		return RequestInfo{}, fmt.Errorf("%w: the credential allows %d requests a day", roster.ErrRateLimited, scope.PerDay)
	}
	notice, err := ag.logRequest(rec)
	if err != nil {
		return RequestInfo{}, err
	}
	st := requestState{Hood: hid, Notice: notice.Marshal(), Received: now.UnixMilli(), Agency: ag.self.String(),
		Time: r.Time, Status: StatusOpen}
	if _, err := ag.store.putRequest(rec.ID(), st); err != nil {
		return RequestInfo{}, fmt.Errorf("store request: %w", err)
	}
	ag.metrics.requestsPosted.Inc()
	info, err := ag.requestInfo(rec.ID(), st)
	if err != nil {
		return RequestInfo{}, err
	}
	return info, ag.core.Publish(hid, notice)
}

// logRequest appends a request to this node's log and returns the notice that carries it.
func (ag *Agency) logRequest(rec wire.Signed) (wire.Signed, error) {
	l, err := ag.agencyLog()
	if err != nil {
		return wire.Signed{}, err
	}
	entry, err := requestEntry(rec)
	if err != nil {
		return wire.Signed{}, err
	}
	ag.logMu.Lock() // notices leave in log order, each proving it extends the one before
	defer ag.logMu.Unlock()
	index, cp, err := l.Append(entry)
	if err != nil {
		return wire.Signed{}, fmt.Errorf("request log: %w", err)
	}
	proof, err := l.InclusionProof(index, index+1)
	if err != nil {
		return wire.Signed{}, fmt.Errorf("request log: %w", err)
	}
	nt := wire.Notice{Request: rec.Marshal(), Index: index, Checkpoint: cp, Proof: tlog.EncodeProof(proof)}
	if prev := ag.lastNotice; prev > 0 {
		if cons, err := l.ConsistencyProof(prev, index+1); err == nil {
			nt.Prev, nt.Consistency = prev, tlog.EncodeProof(cons)
		}
	}
	ag.lastNotice = index + 1
	return wire.Sign(wire.KindNotice, &nt, ag.cfg.Key)
}

// draftArea turns a draft's circle (and polygon) into the wire form, checking ranges.
func draftArea(d RequestDraft) (wire.Area, error) {
	pts := append([][2]float64{{d.Lat, d.Lon}}, d.Polygon...)
	for _, p := range pts {
		if math.IsNaN(p[0]) || math.IsNaN(p[1]) || p[0] < -90 || p[0] > 90 || p[1] < -180 || p[1] > 180 {
			return wire.Area{}, fmt.Errorf("%w: positions must be lat -90..90, lon -180..180", roster.ErrInvalid)
		}
	}
	if !(d.Radius >= 1 && d.Radius <= wire.MaxRadius) {
		return wire.Area{}, fmt.Errorf("%w: radius must be 1..%d m", roster.ErrInvalid, wire.MaxRadius)
	}
	if !d.End.After(d.Start) {
		return wire.Area{}, fmt.Errorf("%w: the window must end after it starts", roster.ErrInvalid)
	}
	a := wire.Area{Center: roster.Microdegrees(d.Lat, d.Lon), Radius: uint32(math.Round(d.Radius))}
	for _, p := range d.Polygon {
		a.Polygon = append(a.Polygon, roster.Microdegrees(p[0], p[1]))
	}
	if _, err := roster.GeoArea(a); err != nil {
		return wire.Area{}, fmt.Errorf("%w: area: %w", roster.ErrInvalid, err)
	}
	return a, nil
}
