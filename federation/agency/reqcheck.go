package agency

import (
	"errors"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/porchlight/porchlight/federation/roster"
	"github.com/porchlight/porchlight/federation/tlog"
	"github.com/porchlight/porchlight/federation/wire"
)

// requestWindow bounds a gossiped request's age: older requests arrive only by sync. The guardrails every
// home holds a request to are federation/roster's (CheckRequest).
const requestWindow = 10 * time.Minute

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

// CheckNotice validates a notice gossiped on a hood's topic (Requests): checkNotice within requestWindow.
func (ag *Agency) CheckNotice(hood string, rec wire.Signed, author peer.ID) (any, error) {
	return ag.checkNotice(hood, rec, author, requestWindow)
}

// checkNotice validates a request notice for a hood: shape, the agency's membership, role and credential,
// both signatures, the guardrails of its scope (area inside the scope, area and window under the caps, not
// expired, the agency's daily rate), replay, and the inclusion proof against the agency's signed log
// checkpoint. window bounds how old a notice may be (gossip); sync passes the request's life instead.
func (ag *Agency) checkNotice(hoodID string, rec wire.Signed, sender peer.ID, window time.Duration) (checkedRequest, error) {
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
	if c.agency, err = roster.PeerOf(r.Agency); err != nil {
		return c, reject("malformed", "agency: %w", err)
	}
	if ag.store.seenRequest(inner.ID()) {
		return c, reject("replay", "request %s was seen before", inner.ID())
	}
	if sender != "" && sender != c.agency {
		return c, reject("not-author", "published by %s, posted by %s", sender, c.agency)
	}
	if err := ag.agencyCredential(hoodID, c.agency, &c); err != nil {
		return c, err
	}
	if rec.Verify(r.Agency) != nil || inner.Verify(r.Agency) != nil {
		return c, reject("bad-signature", "request by %s", c.agency)
	}
	now := ag.now()
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
	if err := roster.CheckRequest(r, c.scope); err != nil {
		return c, err
	}
	if c.cp, err = verifyLogged(c.agency, r.Agency, inner, nt); err != nil {
		return c, reject("not-logged", "%w", err)
	}
	if !ag.reserveRequest(hoodID, c.agency, inner.ID(), r.Time, int(c.scope.PerDay)) {
		return c, reject("rate", "agency %s is over its %d requests a day", c.agency, c.scope.PerDay)
	}
	return c, nil
}

// reserveRequest counts a request against its agency's daily rate, last of all the checks: the requests
// held and the ones accepted but not stored yet (validations run concurrently; without the reservation a
// burst would pass before any was stored). It reports false when the day is full.
func (ag *Agency) reserveRequest(hood string, agency peer.ID, id string, t int64, perDay int) bool {
	ag.rateMu.Lock()
	defer ag.rateMu.Unlock()
	since := t - 24*time.Hour.Milliseconds()
	ids := map[string]bool{}
	ag.store.eachRequest(func(rid string, st requestState) error {
		if st.Hood == hood && st.Agency == agency.String() && st.Time >= since {
			ids[rid] = true
		}
		return nil
	})
	pending := ag.reqPending[agency]
	for rid, pt := range pending {
		if ag.store.seenRequest(rid) || pt < ag.now().Add(-24*time.Hour).UnixMilli() {
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
		ag.reqPending[agency] = pending
	}
	pending[id] = t
	return true
}

// agencyCredential finds the agency's credential in the hood and its scope (roster.Credential).
func (ag *Agency) agencyCredential(hoodID string, agency peer.ID, c *checkedRequest) error {
	var cert wire.Cert
	var err error
	if rerr := ag.core.Roster(hoodID, func(r *roster.Roster) { cert, err = r.Credential(agency) }); rerr != nil {
		return reject("malformed", "unknown hood %s", hoodID)
	}
	if err != nil {
		return err
	}
	c.scope, c.name = *cert.Scope, cert.Name
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
