package agency

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"
	stlog "golang.org/x/mod/sumdb/tlog"

	"github.com/porchlight/porchlight/federation/roster"
	"github.com/porchlight/porchlight/federation/tlog"
	"github.com/porchlight/porchlight/federation/wire"
)

// RequestInfo is a request as this node holds it.
type RequestInfo struct {
	ID, Hood                        string
	Agency                          peer.ID
	AgencyName                      string
	Case, Category, Reason, Contact string
	Lat, Lon, Radius                float64
	Polygon                         [][2]float64
	Start, End, Expires, Time       time.Time
	LogIndex                        int64
	Status                          string   // a home: new, approved, delivered, declined, no-match; the agency: open, closed
	Matches                         []string // a home: its cameras that see the area with footage of the window
	Submissions                     int64    // the agency: clips received
}

// TakeNotice takes a gossiped notice CheckNotice accepted (Requests).
func (ag *Agency) TakeNotice(checked any) {
	if c, ok := checked.(checkedRequest); ok {
		ag.receiveRequest(c)
	}
}

// receiveRequest takes a validated request notice: it is stored, matched against this home's cameras and
// footage, and the owner is told when it matches. Every home does the same whatever the match (the
// agency's checkpoint is checked against what this node saw before, and compared with neighbors later), so
// nothing it does afterwards on the network depends on its cameras.
func (ag *Agency) receiveRequest(c checkedRequest) {
	id := c.rec.ID()
	st := requestState{Hood: c.req.Hood, Notice: c.notice.Marshal(), Received: ag.now().UnixMilli(),
		Agency: c.agency.String(), Time: c.req.Time, Status: StatusNoMatch}
	if c.agency == ag.self {
		st.Status = StatusOpen
	} else if st.Matches = ag.matchRequest(&c.req, c.agency); len(st.Matches) > 0 {
		st.Status = StatusNew
	}
	added, err := ag.store.putRequest(id, st)
	if err != nil {
		ag.log.Warn("store request", "request", id, "err", err)
		return
	}
	if !added {
		return
	}
	ag.metrics.requestsReceived.Inc()
	ag.spawn(func(ctx context.Context) { ag.observeCheckpoint(ctx, c.agency, c.cp, c.prev, c.cons) })
	if st.Status == StatusNew {
		if info, err := ag.requestInfo(id, st); err == nil {
			ag.notifyRequest(info)
		}
	}
}

// observeCheckpoint checks an agency's checkpoint against the last one this node accepted (a consistency
// proof from the agency) and records a fork when they cannot both be true.
// A notice carries the proof from the agency's previous notice, which is what a home usually holds; other
// proofs are asked of the agency.
func (ag *Agency) observeCheckpoint(ctx context.Context, agency peer.ID, cp tlog.Checkpoint, prev int64, cons []byte) {
	ctx, cancel := context.WithTimeout(ctx, logTimeout)
	defer cancel()
	fetch := ag.consistencyFrom(ctx, agency)
	err := ag.witness.Observe(cp, func(oldSize, newSize int64) (stlog.TreeProof, error) {
		if oldSize == prev && newSize == cp.Size && prev > 0 {
			return tlog.DecodeProof(cons)
		}
		return fetch(oldSize, newSize)
	})
	var fork *tlog.ForkError
	switch {
	case errors.As(err, &fork):
		ag.metrics.forks.Inc()
		ag.log.Error("agency log fork: two signed checkpoints that cannot both be true", "agency", agency, "err", err)
	case err != nil:
		ag.log.Info("agency log checkpoint not verified yet", "agency", agency, "err", err)
	}
}

// checkLogged makes sure the request's log checkpoint is one this home accepted as consistent with what it
// saw before (asking again now if it was not checked yet) and that no fork of the agency's log is on record:
// footage goes only to an agency whose log holds together.
func (ag *Agency) checkLogged(ctx context.Context, st requestState) error {
	nt, _, _, err := openNotice(st.Notice)
	if err != nil {
		return err
	}
	agency, err := peer.Decode(st.Agency)
	if err != nil {
		return err
	}
	key, err := roster.KeyOf(agency)
	if err != nil {
		return err
	}
	v, err := logVerifier(agency, key)
	if err != nil {
		return err
	}
	cp, err := tlog.ParseCheckpoint(nt.Checkpoint, v)
	if err != nil {
		return err
	}
	if latest, ok := ag.witness.Latest(cp.Origin); !ok || latest.Size < cp.Size {
		ag.observeCheckpoint(ctx, agency, cp, nt.Prev, nt.Consistency)
	}
	if forks, _ := ag.witness.Forks(); slices.ContainsFunc(forks, func(f tlog.ForkError) bool { return f.Origin == cp.Origin }) {
		return fmt.Errorf("%w: the agency's log is forked (it showed homes different histories): nothing is sent", roster.ErrInvalid)
	}
	if latest, ok := ag.witness.Latest(cp.Origin); !ok || latest.Size < cp.Size {
		return fmt.Errorf("%w: the agency's log could not be checked against what this home saw before; try again "+
			"when the agency is reachable", roster.ErrUnreachable)
	}
	return nil
}

// Requests lists the requests this node holds, newest first: for a home every request of its hoods (the
// public list) with its own status; inbox limits it to the ones that match this home.
func (ag *Agency) Requests(inbox bool) ([]RequestInfo, error) {
	out := []RequestInfo{}
	err := ag.store.eachRequest(func(id string, st requestState) error {
		if inbox && len(st.Matches) == 0 {
			return nil
		}
		info, err := ag.requestInfo(id, st)
		if err == nil {
			out = append(out, info)
		}
		return nil
	})
	sort.SliceStable(out, func(i, j int) bool { return out[i].Time.After(out[j].Time) })
	return out, err
}

// Request returns one request.
func (ag *Agency) Request(id string) (RequestInfo, error) {
	st, err := ag.store.request(id)
	if err != nil {
		return RequestInfo{}, err
	}
	return ag.requestInfo(id, st)
}

// requestInfo opens a stored request for the API.
func (ag *Agency) requestInfo(id string, st requestState) (RequestInfo, error) {
	nt, _, r, err := openNotice(st.Notice)
	if err != nil {
		return RequestInfo{}, err
	}
	agency, _ := peer.Decode(st.Agency)
	lat, lon := r.Area.Center.Degrees()
	info := RequestInfo{ID: id, Hood: r.Hood, Agency: agency, Case: r.Case, Category: r.Category, Reason: r.Reason,
		Contact: r.Contact, Lat: lat, Lon: lon, Radius: float64(r.Area.Radius), Start: wire.Millis(r.Start), End: wire.Millis(r.End),
		Expires: wire.Millis(r.Expires), Time: wire.Millis(r.Time), LogIndex: nt.Index, Status: st.Status, Matches: st.Matches,
		Submissions: st.Submissions}
	for _, p := range r.Area.Polygon {
		la, lo := p.Degrees()
		info.Polygon = append(info.Polygon, [2]float64{la, lo})
	}
	ag.core.Roster(r.Hood, func(ro *roster.Roster) { // a hood this node left: no name
		if m, ok := ro.Member(agency); ok {
			info.AgencyName = m.Cert.Name
		}
	})
	return info, nil
}

// SubscribeRequests delivers every new request that matches this home, until cancel. A slow reader
// misses requests rather than blocking the node (the inbox has them all).
func (ag *Agency) SubscribeRequests() (<-chan RequestInfo, func()) {
	return ag.reqSubs.Subscribe(16)
}

func (ag *Agency) notifyRequest(r RequestInfo) { ag.reqSubs.Send(r) }
