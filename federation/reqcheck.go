package federation

import (
	"errors"
	"fmt"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/porchlight/porchlight/federation/geo"
	"github.com/porchlight/porchlight/federation/tlog"
	"github.com/porchlight/porchlight/federation/wire"
)

// Request guardrails every home enforces on its own, whatever the agency's node claims or its steward
// signed: the credential's caps apply, and never more than these.
const (
	MaxRequestLife  = 30 * 24 * time.Hour // a request expires at most this long after it is posted
	MaxFootageAge   = 90 * 24 * time.Hour // a window starts at most this long before the request
	MaxWindowHard   = 7 * 24 * time.Hour  // the longest window any credential allows
	maxAreaHardSqMi = 100.0               // the largest area any credential allows
	requestWindow   = 10 * time.Minute    // gossip: older requests arrive only by sync
)

// checkedRequest is a notice that passed every guardrail.
type checkedRequest struct {
	notice wire.Signed
	rec    wire.Signed // the request record inside
	req    wire.Request
	agency peer.ID
	scope  wire.Scope
	name   string // the agency's display name
	index  int64
	cp     tlog.Checkpoint
	prev   int64  // the notice's previous checkpoint size, and
	cons   []byte // the proof that cp extends it (may be empty)
}

// checkNotice validates a request notice for a hood: shape, the agency's membership, role and credential,
// both signatures, the guardrails of its scope (area inside the scope, area and window under the caps, not
// expired, the agency's daily rate), replay, and the inclusion proof against the agency's signed log
// checkpoint. window bounds how old a notice may be (gossip); sync passes the request's life instead.
func (n *Node) checkNotice(hoodID string, rec wire.Signed, sender peer.ID, window time.Duration) (checkedRequest, error) {
	var c checkedRequest
	var nt wire.Notice
	if err := rec.Open(wire.KindNotice, &nt); err != nil {
		return c, reject("malformed", "%w", err)
	}
	inner, err := wire.Decode(nt.Request)
	if err == nil {
		err = inner.Open(wire.KindRequest, &c.req)
	}
	if err != nil {
		return c, reject("malformed", "request: %w", err)
	}
	c.notice, c.rec, c.index, c.prev, c.cons = rec, inner, nt.Index, nt.Prev, nt.Consistency
	r := &c.req
	if r.Hood != hoodID {
		return c, reject("malformed", "request for hood %s on hood %s", r.Hood, hoodID)
	}
	if c.agency, err = peerOf(r.Agency); err != nil {
		return c, reject("malformed", "agency: %w", err)
	}
	if n.store.seenRequest(inner.ID()) {
		return c, reject("replay", "request %s was seen before", inner.ID())
	}
	if sender != "" && sender != c.agency {
		return c, reject("not-author", "published by %s, posted by %s", sender, c.agency)
	}
	if err := n.agencyCredential(hoodID, c.agency, &c); err != nil {
		return c, err
	}
	if rec.Verify(r.Agency) != nil || inner.Verify(r.Agency) != nil {
		return c, reject("bad-signature", "request by %s", c.agency)
	}
	now := n.now()
	posted := time.UnixMilli(r.Time)
	switch {
	case posted.After(now.Add(maxSkew)):
		return c, reject("future", "request time %s is ahead of ours", posted.UTC().Format(time.RFC3339))
	case posted.Before(now.Add(-window)):
		return c, reject("stale", "request time %s is older than %s", posted.UTC().Format(time.RFC3339), window)
	case now.UnixMilli() > r.Expires:
		return c, reject("expired", "request expired at %s", time.UnixMilli(r.Expires).UTC().Format(time.RFC3339))
	case r.Time > c.scope.Expires || now.UnixMilli() > c.scope.Expires:
		return c, reject("credential-expired", "the agency's credential expired at %s",
			time.UnixMilli(c.scope.Expires).UTC().Format(time.RFC3339))
	}
	if err := checkGuardrails(r, c.scope); err != nil {
		return c, err
	}
	if c.cp, err = verifyLogged(c.agency, r.Agency, inner, nt); err != nil {
		return c, reject("not-logged", "%w", err)
	}
	if !n.reserveRequest(hoodID, c.agency, inner.ID(), r.Time, int(c.scope.PerDay)) {
		return c, reject("rate", "agency %s is over its %d requests a day", c.agency, c.scope.PerDay)
	}
	return c, nil
}

// reserveRequest counts a request against its agency's daily rate, last of all the checks: the requests
// held and the ones accepted but not stored yet (validations run concurrently; without the reservation a
// burst would pass before any was stored). It reports false when the day is full.
func (n *Node) reserveRequest(hood string, agency peer.ID, id string, t int64, perDay int) bool {
	n.rateMu.Lock()
	defer n.rateMu.Unlock()
	since := t - 24*time.Hour.Milliseconds()
	ids := map[string]bool{}
	n.store.eachRequest(func(rid string, st requestState) error {
		if st.Hood == hood && st.Agency == agency.String() && st.Time >= since {
			ids[rid] = true
		}
		return nil
	})
	pending := n.reqPending[agency]
	for rid, pt := range pending {
		if n.store.seenRequest(rid) || pt < n.now().Add(-24*time.Hour).UnixMilli() {
			delete(pending, rid) // stored (counted above) or out of every window
		} else if pt >= since {
			ids[rid] = true
		}
	}
	if len(ids) >= perDay && !ids[id] {
		return false
	}
	if pending == nil {
		pending = map[string]int64{}
		n.reqPending[agency] = pending
	}
	pending[id] = t
	return true
}

// agencyCredential finds the agency's certificate in the hood and its scope.
func (n *Node) agencyCredential(hoodID string, agency peer.ID, c *checkedRequest) error {
	n.mu.RLock()
	defer n.mu.RUnlock()
	h, ok := n.hoods[hoodID]
	if !ok {
		return reject("malformed", "unknown hood %s", hoodID)
	}
	m, ok := h.r.members[agency]
	switch {
	case !ok:
		return reject("not-member", "%s is not a member", agency)
	case !h.r.active(agency):
		return reject("revoked", "agency %s was removed from the hood", agency)
	case m.cert.Role != wire.RoleAgency:
		return reject("not-agency", "%s is a %s", agency, m.cert.Role)
	case m.cert.Scope == nil:
		return reject("no-credential", "agency %s was admitted without a scope", agency)
	}
	// The issuer's signature was checked when the certificate joined the roster; the cosigners are
	// counted here, so a credential short of them admits the agency as a member but no request of it.
	if signers, short := h.r.cosigned(m.cert); short > 0 {
		return reject("not-cosigned", "agency %s's credential is signed by %d steward(s), the hood needs %d",
			agency, len(signers), h.r.genesis.Quorum())
	}
	c.scope, c.name = *m.cert.Scope, m.cert.Name
	return nil
}

// checkGuardrails holds a request to its agency's scope: area inside it and at most MaxArea, window at most
// MaxWindow, footage from the past only, and an expiry at most MaxRequestLife away.
func checkGuardrails(r *wire.Request, s wire.Scope) error {
	area, err := geoArea(r.Area)
	if err != nil {
		return reject("malformed", "area: %w", err)
	}
	if !area.Within(geoCircle(s.Area)) {
		return reject("scope", "area outside the agency's scope")
	}
	maxArea := min(float64(s.MaxArea), maxAreaHardSqMi*squareMetresPerSqMi)
	if sq := area.AreaSqMi() * squareMetresPerSqMi; sq > maxArea {
		return reject("area-cap", "area %.2f sq mi over the cap of %.2f", sq/squareMetresPerSqMi, maxArea/squareMetresPerSqMi)
	}
	// The window's start is bounded first, so End-Start cannot overflow.
	if r.Start < r.Time-MaxFootageAge.Milliseconds() {
		return reject("window-cap", "the window starts more than %s before the request", MaxFootageAge)
	}
	maxWindow := min(s.MaxWindow, MaxWindowHard.Milliseconds())
	if w := r.End - r.Start; w > maxWindow {
		return reject("window-cap", "window %s over the cap of %s", time.Duration(w)*time.Millisecond,
			time.Duration(maxWindow)*time.Millisecond)
	}
	if r.End > r.Time+maxSkew.Milliseconds() {
		return reject("future-window", "the window ends after the request was posted: footage is asked of the past only")
	}
	if r.Expires-r.Time > MaxRequestLife.Milliseconds() {
		return reject("malformed", "expiry more than %s after posting", MaxRequestLife)
	}
	return nil
}

// verifyLogged checks the notice's checkpoint is signed by the agency and the request is in it.
func verifyLogged(agency peer.ID, key []byte, rec wire.Signed, nt wire.Notice) (tlog.Checkpoint, error) {
	v, err := logVerifier(agency, key)
	if err != nil {
		return tlog.Checkpoint{}, err
	}
	cp, err := tlog.ParseCheckpoint(nt.Checkpoint, v)
	if err != nil {
		return cp, err
	}
	proof, err := tlog.DecodeProof(nt.Proof)
	if err != nil {
		return cp, err
	}
	entry, err := requestEntry(rec)
	if err != nil {
		return cp, err
	}
	if err := tlog.VerifyInclusion(cp, nt.Index, entry, proof); err != nil {
		return cp, errors.Join(errors.New("request not in the agency's log"), err)
	}
	return cp, nil
}

// requestEntry is the log leaf of a request: the same bytes on the agency's side and every home's.
func requestEntry(rec wire.Signed) ([]byte, error) {
	return wire.Marshal(&wire.LogEntry{Kind: wire.EntryRequest, Record: rec.Marshal()})
}

func geoCircle(a wire.Area) geo.Circle {
	lat, lon := a.Center.Degrees()
	return geo.Circle{Center: geo.Point{Lat: lat, Lon: lon}, Radius: float64(a.Radius)}
}

// geoArea is a request's area: its polygon when it has one (which must lie in its circle), else its circle.
func geoArea(a wire.Area) (geo.Area, error) {
	c := geoCircle(a)
	if len(a.Polygon) == 0 {
		return geo.Area{Circle: &c}, c.Validate()
	}
	pg := make(geo.Polygon, len(a.Polygon))
	for i, p := range a.Polygon {
		lat, lon := p.Degrees()
		pg[i] = geo.Point{Lat: lat, Lon: lon}
	}
	ar := geo.Area{Polygon: pg}
	if err := ar.Validate(); err != nil {
		return ar, err
	}
	if !ar.Within(c) {
		return ar, fmt.Errorf("polygon outside its circle")
	}
	return ar, nil
}
