package agency

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/porchlight/porchlight/federation/roster"
	"github.com/porchlight/porchlight/federation/tlog"
	"github.com/porchlight/porchlight/federation/wire"
)

// Any member can audit an agency's log: fetch the signed checkpoint, check it against the last one this
// node accepted (a consistency proof) and keep it, fetch every entry, recompute the tree and compare, check
// every entry's shape and signature, and find every request this node holds at the index its notice gave.

// LogReport is the result of checking one agency's log.
type LogReport struct {
	Agency     peer.ID
	AgencyName string
	Size       int64
	Checkpoint string   // the signed checkpoint checked
	Requests   int      // requests this node holds from the agency, each found in the log
	Problems   []string // empty when the log checks out
	Forks      int      // fork evidence this node holds against the log
	entries    []wire.LogEntry
}

// OK reports whether the log checked out.
func (r LogReport) OK() bool { return len(r.Problems) == 0 && r.Forks == 0 }

// Bounds of one audit: a log the agency says is larger is reported, not fetched.
const (
	maxAuditEntries = 200_000
	maxAuditBytes   = 256 << 20
	auditReuse      = 30 * time.Second // an audit this recent is answered again, not redone
	auditFetches    = 8                // logs one audit fetches at once
)

// VerifyLogs audits the log of every agency in this node's hoods (this node's own log included).
func (ag *Agency) VerifyLogs(ctx context.Context) ([]LogReport, error) {
	return ag.audit(ctx), nil
}

// recentAudit is VerifyLogs, or the last audit if it finished less than auditReuse ago: what pages that
// only show figures use, so that opening them does not fetch every log each time.
func (ag *Agency) recentAudit(ctx context.Context) []LogReport {
	ag.auditMu.Lock()
	if ag.auditReps != nil && time.Since(ag.auditAt) < auditReuse {
		defer ag.auditMu.Unlock()
		return ag.auditReps
	}
	ag.auditMu.Unlock()
	return ag.audit(ctx)
}

// audit runs one audit and keeps its reports. The logs are fetched side by side (auditFetches at once)
// and without auditMu, so a peer that answers slowly (or not at all, until logTimeout) delays neither
// the other agencies' audits nor another audit running meanwhile. What was fetched is then checked and
// applied under auditMu; the reports kept for recentAudit are the latest started audit's, whatever
// order audits finish in.
func (ag *Agency) audit(ctx context.Context) []LogReport {
	started := time.Now()
	refs := ag.agencies()
	fetched := make([]logFetch, len(refs))
	var wg sync.WaitGroup
	slots := make(chan struct{}, auditFetches)
	for i, a := range refs {
		wg.Go(func() {
			slots <- struct{}{}
			defer func() { <-slots }()
			fetched[i] = ag.fetchLog(ctx, a)
		})
	}
	wg.Wait()
	ag.auditMu.Lock()
	defer ag.auditMu.Unlock()
	out := make([]LogReport, len(refs))
	for i := range fetched {
		out[i] = ag.checkLog(fetched[i])
	}
	if !started.Before(ag.auditFrom) {
		ag.auditReps, ag.auditAt, ag.auditFrom = out, time.Now(), started
	}
	return out
}

type agencyRef struct {
	id   peer.ID
	key  []byte
	name string
}

// agencies lists the agencies of this node's hoods, once each.
func (ag *Agency) agencies() []agencyRef {
	seen := map[peer.ID]bool{}
	var out []agencyRef
	ag.core.Rosters(func(r *roster.Roster) {
		for id, m := range r.Members() {
			if m.Cert.Role == wire.RoleAgency && m.Cert.Scope != nil && !seen[id] {
				seen[id] = true
				out = append(out, agencyRef{id, m.Cert.Member, m.Cert.Name})
			}
		}
	})
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

// logFetch is what an audit fetched of one agency's log: its checkpoint (checked against the witness)
// and entries, or the problem that ended the fetch (failed).
type logFetch struct {
	rep    LogReport
	key    []byte
	cp     tlog.Checkpoint
	raw    [][]byte
	failed bool
}

// fetchLog fetches an agency's checkpoint and entries and has the witness observe the checkpoint (which
// may fetch a consistency proof; the witness is safe for concurrent use). It takes no lock.
func (ag *Agency) fetchLog(ctx context.Context, a agencyRef) logFetch {
	f := logFetch{rep: LogReport{Agency: a.id, AgencyName: a.name}, key: a.key}
	fail := func(format string, args ...any) logFetch {
		f.rep.Problems = append(f.rep.Problems, fmt.Sprintf(format, args...))
		f.failed = true
		return f
	}
	v, err := logVerifier(a.id, a.key)
	if err != nil {
		return fail("key: %v", err)
	}
	signed, err := ag.fetchCheckpoint(ctx, a.id)
	if err != nil {
		return fail("fetch: %v", err)
	}
	cp, err := tlog.ParseCheckpoint(signed, v)
	if err != nil {
		return fail("checkpoint: %v", err)
	}
	if cp.Size > maxAuditEntries {
		return fail("the log claims %d entries, more than the %d an audit here fetches", cp.Size, maxAuditEntries)
	}
	if f.raw, err = ag.fetchEntries(ctx, a.id, cp.Size); err != nil {
		return fail("fetch: %v", err)
	}
	f.cp = cp
	f.rep.Size, f.rep.Checkpoint = cp.Size, string(cp.Signed)
	if a.id != ag.self {
		var fork *tlog.ForkError
		if err := ag.witness.Observe(cp, ag.consistencyFrom(ctx, a.id)); errors.As(err, &fork) {
			ag.metrics.forks.Inc()
			f.rep.Problems = append(f.rep.Problems, fmt.Sprintf("fork: %v", err))
		} else if err != nil {
			f.rep.Problems = append(f.rep.Problems, fmt.Sprintf("consistency with the checkpoint seen before: %v", err))
		}
	}
	return f
}

// checkLog checks what fetchLog fetched: the fork evidence held against the log, its entries against
// the checkpoint, their shapes and signatures, the requests this node holds and its own submissions. It
// closes the requests the log closed. Call with auditMu held.
func (ag *Agency) checkLog(f logFetch) LogReport {
	rep, cp, raw, key, agency := f.rep, f.cp, f.raw, f.key, f.rep.Agency
	if f.failed {
		return rep
	}
	fail := func(format string, args ...any) LogReport {
		rep.Problems = append(rep.Problems, fmt.Sprintf(format, args...))
		return rep
	}
	if forks, err := ag.witness.Forks(); err == nil {
		for _, f := range forks {
			if f.Origin == cp.Origin {
				rep.Forks++
			}
		}
	}
	if int64(len(raw)) != cp.Size {
		return fail("the log served %d of %d entries", len(raw), cp.Size)
	}
	if h, err := tlog.TreeHash(raw); err != nil || h != cp.Hash {
		return fail("the entries do not hash to the signed checkpoint")
	}
	logged, counts := map[string]bool{}, map[string]int64{}
	for i, b := range raw {
		e, err := wire.DecodeLogEntry(b)
		if err != nil {
			fail("entry %d: %v", i, err)
			continue
		}
		switch e.Kind {
		case wire.EntryRequest:
			if err := checkLoggedRequest(e.Record, key); err != nil {
				fail("entry %d: %v", i, err)
			} else if rec, err := wire.Decode(e.Record); err == nil {
				logged[rec.ID()] = true
			}
		case wire.EntrySubmission, wire.EntryClose:
			if !logged[e.Request] {
				fail("entry %d: a %s for request %s, which the log does not hold before it", i, e.Kind, e.Request)
			}
			if e.Kind == wire.EntrySubmission {
				if counts[e.Request]++; e.Count != counts[e.Request] {
					fail("entry %d: submission %d of request %s, want %d", i, e.Count, e.Request, counts[e.Request])
				}
			}
		}
		rep.entries = append(rep.entries, e)
	}
	rep.Requests = ag.findHeldRequests(agency, raw, &rep)
	ag.findOwnSubmissions(agency, rep.entries, &rep)
	return rep
}

// findOwnSubmissions checks that every clip this home delivered to the agency is counted in its log where
// the agency's receipt says.
func (ag *Agency) findOwnSubmissions(agency peer.ID, entries []wire.LogEntry, rep *LogReport) {
	ds, err := ag.store.deliveries()
	if err != nil {
		return
	}
	for id, d := range ds {
		if d.Status != StatusDelivered {
			continue
		}
		var r wire.Receipt
		rec, err := wire.Decode(d.Receipt)
		if err == nil {
			err = rec.Open(wire.KindReceipt, &r)
		}
		if err != nil {
			continue
		}
		if to, err := roster.PeerOf(r.Agency); err != nil || to != agency {
			continue
		}
		if r.LogIndex < 0 || r.LogIndex >= int64(len(entries)) || entries[r.LogIndex].Kind != wire.EntrySubmission ||
			entries[r.LogIndex].Request != r.Request {
			rep.Problems = append(rep.Problems, fmt.Sprintf("the clip this home delivered (approval %s) is not counted "+
				"in the log at index %d, where the agency's receipt says", id, r.LogIndex))
		}
	}
}

// checkLoggedRequest checks a logged request is a well-formed request signed by the log's agency.
func checkLoggedRequest(b, key []byte) error {
	rec, err := wire.Decode(b)
	var r wire.Request
	if err == nil {
		err = rec.Open(wire.KindRequest, &r)
	}
	if err == nil && !bytes.Equal(r.Agency, key) {
		err = errors.New("request of another agency")
	}
	if err == nil {
		err = rec.Verify(key)
	}
	return err
}

// findHeldRequests checks that every request this node holds from the agency is in the log at its index,
// and marks the ones the agency closed; it returns how many it checked.
func (ag *Agency) findHeldRequests(agency peer.ID, raw [][]byte, rep *LogReport) int {
	closed := map[string]bool{}
	for _, e := range rep.entries {
		if e.Kind == wire.EntryClose {
			closed[e.Request] = true
		}
	}
	held := 0
	var close []string
	ag.store.eachRequest(func(id string, st requestState) error {
		if st.Agency != agency.String() {
			return nil
		}
		held++
		nt, inner, _, err := openNotice(st.Notice)
		var entry []byte
		if err == nil {
			entry, err = requestEntry(inner)
		}
		if err != nil || nt.Index >= int64(len(raw)) || !bytes.Equal(raw[nt.Index], entry) {
			rep.Problems = append(rep.Problems, fmt.Sprintf("request %s is not in the log at index %d", id, nt.Index))
		}
		if closed[id] && st.Status != StatusClosed && st.Status != StatusDelivered {
			close = append(close, id)
		}
		return nil
	})
	for _, id := range close { // after the read transaction: bbolt must not nest an update in it
		ag.store.updateRequest(id, func(s *requestState) error { s.Status = StatusClosed; return nil })
	}
	return held
}

// fetchCheckpoint returns an agency's latest signed checkpoint.
func (ag *Agency) fetchCheckpoint(ctx context.Context, agency peer.ID) ([]byte, error) {
	if agency == ag.self {
		l, err := ag.agencyLog()
		if err != nil {
			return nil, err
		}
		return l.Checkpoint(), nil
	}
	resp, err := ag.askLog(ctx, agency, logRequest{Op: "checkpoint"})
	return resp.Checkpoint, err
}

// fetchEntries returns the first size entries of an agency's log.
func (ag *Agency) fetchEntries(ctx context.Context, agency peer.ID, size int64) ([][]byte, error) {
	var out [][]byte
	total := 0
	for int64(len(out)) < size {
		var got [][]byte
		if agency == ag.self {
			l, err := ag.agencyLog()
			if err != nil {
				return nil, err
			}
			e, err := l.Entry(int64(len(out)))
			if err != nil {
				return nil, err
			}
			got = [][]byte{e}
		} else {
			r, err := ag.askLog(ctx, agency, logRequest{Op: "entries", From: int64(len(out)),
				Count: min(size-int64(len(out)), maxLogEntries)})
			if err != nil {
				return nil, err
			}
			got = r.Entries
		}
		if len(got) == 0 {
			break
		}
		for _, e := range got {
			if total += len(e); total > maxAuditBytes {
				return nil, fmt.Errorf("the log's entries exceed the %d MiB an audit here fetches", maxAuditBytes>>20)
			}
		}
		out = append(out, got...)
	}
	return out[:min(int64(len(out)), size)], nil
}
