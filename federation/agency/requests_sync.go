package agency

import (
	"context"
	"strings"

	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/porchlight/porchlight/federation/tlog"
	"github.com/porchlight/porchlight/federation/wire"
)

// Requests and log checkpoints in the sync protocol. A home that was offline gets the hood's open
// requests from a neighbor, each checked like a gossiped one (its inclusion proof included); and every
// sync carries the checkpoints each side accepted, so a log that showed one home one tree and another
// home another is caught by the homes themselves.

const syncMaxNotices = 512

// SyncNotices returns a hood's open request notices and the latest checkpoints this node accepted from
// the hood's agencies.
func (ag *Agency) SyncNotices(hoodID string) (notices, checkpoints [][]byte) {
	now := ag.now().UnixMilli()
	ag.store.eachRequest(func(id string, st requestState) error {
		if st.Hood == hoodID && len(notices) < syncMaxNotices && st.Time+MaxRequestLife.Milliseconds() > now {
			notices = append(notices, st.Notice)
		}
		return nil
	})
	for _, a := range ag.agencies() {
		if a.id == ag.self {
			if l, err := ag.agencyLog(); err == nil {
				checkpoints = append(checkpoints, l.Checkpoint())
			}
		} else if cp, ok := ag.witness.Latest(logOrigin(a.id)); ok {
			checkpoints = append(checkpoints, cp.Signed)
		}
	}
	return notices, checkpoints
}

// TakeSynced checks and takes the requests and checkpoints a neighbor sent: at most syncMaxNotices
// notices and one checkpoint per agency per frame, and only checkpoints this node has not accepted yet
// cost a check.
func (ag *Agency) TakeSynced(hoodID string, from peer.ID, notices, checkpoints [][]byte) {
	if len(notices) > syncMaxNotices {
		ag.core.Reject(from, "sync-flood", "too many notices in one frame")
		notices = notices[:syncMaxNotices]
	}
	for _, b := range notices {
		rec, err := wire.Decode(b)
		if err != nil || rec.Kind != wire.KindNotice {
			ag.core.Reject(from, "malformed", "synced notice")
			continue
		}
		c, err := ag.checkNotice(hoodID, rec, "", MaxRequestLife)
		if err != nil {
			if r, ok := err.(*rejection); !ok || r.Reason != "replay" { // a repeat is the expected overlap
				ag.refuse(from, err)
			}
			continue
		}
		ag.receiveRequest(c)
	}
	seen := map[peer.ID]bool{}
	for _, b := range checkpoints {
		agency, cp, ok := ag.openCheckpoint(b)
		if !ok || seen[agency] {
			ag.core.Reject(from, "checkpoint", "a checkpoint of no agency of ours, a second one, or badly signed")
			continue
		}
		seen[agency] = true
		if latest, ok := ag.witness.Latest(cp.Origin); ok && latest.Size == cp.Size && latest.Hash == cp.Hash {
			continue // the one we hold
		}
		if agency != ag.self {
			ag.spawn(func(ctx context.Context) { ag.observeCheckpoint(ctx, agency, cp, 0, nil) })
		}
	}
}

// openCheckpoint finds the agency whose log a checkpoint names and verifies its signature.
func (ag *Agency) openCheckpoint(b []byte) (peer.ID, tlog.Checkpoint, bool) {
	first, _, _ := strings.Cut(string(b), "\n")
	id, err := peer.Decode(strings.TrimPrefix(first, logPrefix))
	if err != nil || !strings.HasPrefix(first, logPrefix) {
		return "", tlog.Checkpoint{}, false
	}
	for _, a := range ag.agencies() {
		if a.id != id {
			continue
		}
		v, err := logVerifier(a.id, a.key)
		if err != nil {
			return "", tlog.Checkpoint{}, false
		}
		cp, err := tlog.ParseCheckpoint(b, v)
		return a.id, cp, err == nil
	}
	return "", tlog.Checkpoint{}, false
}
