package agency

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/porchlight/porchlight/federation/deliver"
	"github.com/porchlight/porchlight/federation/roster"
	"github.com/porchlight/porchlight/federation/wire"
	"github.com/porchlight/porchlight/internal/atomicfile"
)

// An agency's node receives approved clips: it checks the manifest (an approval signed by the home that
// sends it, naming this agency and one of its open requests), stores the ciphertext, counts the
// submission in its public log (a count, never who) and answers with a signed receipt.

const submissionsDir = "submissions"

// submissionState is what an agency keeps of a received clip.
type submissionState struct {
	Approval []byte `cbor:"1,keyasint"`
	Path     string `cbor:"2,keyasint"` // the sealed clip
	Received int64  `cbor:"3,keyasint"`
	Receipt  []byte `cbor:"4,keyasint"`
	Count    int64  `cbor:"5,keyasint"` // its number among the request's submissions
	LogIndex int64  `cbor:"6,keyasint"` // of the submission entry
}

// serveDeliver takes one delivery from a member.
func (ag *Agency) serveDeliver(s network.Stream) {
	defer s.Close()
	remote := s.Conn().RemotePeer()
	if ag.cfg.Role != wire.RoleAgency {
		ag.core.Reject(remote, "deliver", "this node is no agency")
		s.Reset()
		return
	}
	dir := filepath.Join(ag.cfg.DataDir, submissionsDir)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		s.Reset()
		return
	}
	s.SetDeadline(time.Now().Add(deliverWindow))
	var claimed, approvalID string
	var approval wire.Approval
	r := &deliver.Receiver{Dir: dir,
		Accept: func(o deliver.Offer) error {
			id, a, err := ag.acceptManifest(remote, o)
			if err != nil {
				ag.core.Reject(remote, "deliver", err.Error())
				return err
			}
			if !ag.claimDelivery(o.ID) { // a retry that came before we saw its last stream die: no offence
				return fmt.Errorf("%w: this clip is being received on another stream", deliver.ErrBusy)
			}
			claimed, approvalID, approval = o.ID, id, a
			return nil
		},
		Complete: func(o deliver.Offer, path string) ([]byte, error) {
			return ag.completeSubmission(approvalID, approval, o.Manifest, path)
		},
	}
	r.Serve(s)
	if claimed != "" {
		ag.subMu.Lock()
		delete(ag.receiving, claimed)
		ag.subMu.Unlock()
	}
}

// claimDelivery marks a ciphertext as being received; false if another stream has it. Deliveries arrive on
// separate streams, each with its own deliver.Receiver, so the guard lives here.
func (ag *Agency) claimDelivery(id string) bool {
	ag.subMu.Lock()
	defer ag.subMu.Unlock()
	if ag.receiving[id] {
		return false
	}
	ag.receiving[id] = true
	return true
}

// acceptManifest checks a delivery's manifest: a well-formed approval signed by the sender, for this agency,
// for one of its requests that is still open, binding the offered ciphertext.
func (ag *Agency) acceptManifest(from peer.ID, o deliver.Offer) (string, wire.Approval, error) {
	var a wire.Approval
	rec, err := wire.Decode(o.Manifest)
	if err == nil {
		err = rec.Open(wire.KindApproval, &a)
	}
	if err != nil {
		return "", a, err
	}
	owner, err := roster.PeerOf(a.Owner)
	switch {
	case err != nil || owner != from:
		return "", a, fmt.Errorf("%w: the approval is not the sender's", roster.ErrInvalid)
	case rec.Verify(a.Owner) != nil:
		return "", a, fmt.Errorf("%w: approval signature", roster.ErrInvalid)
	case string(a.Recipient) != string(ag.pub()):
		return "", a, fmt.Errorf("%w: the approval names another recipient", roster.ErrInvalid)
	case a.CipherSize != o.Size || string(a.CipherSHA256) != string(o.SHA256):
		return "", a, fmt.Errorf("%w: the approval does not bind this ciphertext", roster.ErrInvalid)
	case !ag.core.IsHoodMember(a.Hood, from):
		return "", a, fmt.Errorf("%w: %s", roster.ErrNotMember, from)
	}
	st, err := ag.store.request(a.Request)
	if err != nil || st.Agency != ag.self.String() || st.Hood != a.Hood {
		return "", a, fmt.Errorf("%w: no request %s of ours", roster.ErrNotFound, a.Request)
	}
	if st.Status == StatusClosed {
		return "", a, fmt.Errorf("%w: request %s is closed", roster.ErrInvalid, a.Request)
	}
	if ag.submissionsFrom(a.Request, a.Owner) >= maxClipsPerHome {
		return "", a, fmt.Errorf("%w: %d clips from this home for request %s already", roster.ErrRateLimited, maxClipsPerHome, a.Request)
	}
	return rec.ID(), a, nil
}

// Bounds on what one member can make an agency store: clips per request, and how long an unfinished
// delivery is kept for a resume.
const (
	maxClipsPerHome = 16
	partialLife     = 7 * 24 * time.Hour
)

// submissionsFrom counts the clips a home delivered for a request.
func (ag *Agency) submissionsFrom(request string, owner []byte) int {
	count := 0
	ag.store.eachCBOR(bSubmissions, func(_, v []byte) error {
		var st submissionState
		var a wire.Approval
		if wire.Unmarshal(v, &st) != nil {
			return nil
		}
		if rec, err := wire.Decode(st.Approval); err == nil && rec.Open(wire.KindApproval, &a) == nil &&
			a.Request == request && string(a.Owner) == string(owner) {
			count++
		}
		return nil
	})
	return count
}

// sweepPartials removes deliveries that stopped more than partialLife ago and never resumed.
func (ag *Agency) sweepPartials() {
	parts, _ := filepath.Glob(filepath.Join(ag.cfg.DataDir, submissionsDir, "*.part"))
	for _, p := range parts {
		if fi, err := os.Stat(p); err == nil && time.Since(fi.ModTime()) > partialLife {
			os.Remove(p)
			ag.log.Info("unfinished delivery removed", "file", filepath.Base(p))
		}
	}
}

// completeSubmission stores a verified ciphertext, logs the count and signs the receipt. A retry of a
// stored submission gets its receipt again.
func (ag *Agency) completeSubmission(id string, a wire.Approval, manifest []byte, path string) ([]byte, error) {
	ag.subMu.Lock()
	defer ag.subMu.Unlock()
	var st submissionState
	if ag.store.getCBOR(bSubmissions, requestKey(id), &st) == nil { // a retry after a lost receipt
		if path != st.Path {
			os.Remove(path)
		}
		return st.Receipt, nil
	}
	final := filepath.Join(filepath.Dir(path), id+".sub.age")
	if err := atomicfile.Rename(path, final); err != nil { // stored for good before the receipt says so
		return nil, err
	}
	req, err := ag.store.request(a.Request)
	if err != nil {
		return nil, err
	}
	// The log's count, the submission and the request's tally commit in one transaction: a crash cannot
	// leave the log counting a clip the agency would count again when the home retries.
	count := req.Submissions + 1
	st = submissionState{Approval: manifest, Path: final, Received: ag.now().UnixMilli(), Count: count}
	_, err = ag.logEntry(wire.LogEntry{Kind: wire.EntrySubmission, Request: a.Request, Count: count, Time: day(ag.now())},
		func(tx *bolt.Tx, index int64) error {
			receipt, err := wire.Sign(wire.KindReceipt, &wire.Receipt{Approval: id, Request: a.Request,
				SHA256: a.CipherSHA256, Time: ag.now().UnixMilli(), Agency: ag.pub(), LogIndex: index}, ag.cfg.Key)
			if err != nil {
				return err
			}
			st.Receipt, st.LogIndex = receipt.Marshal(), index
			if err := putCBORTx(tx, bSubmissions, requestKey(id), &st); err != nil {
				return err
			}
			return updateRequestTx(tx, a.Request, func(s *requestState) error {
				s.Submissions = count
				return nil
			})
		})
	if err != nil {
		return nil, err
	}
	ag.metrics.submissions.Inc()
	ag.log.Info("submission received", "request", a.Request, "count", count)
	return st.Receipt, nil
}

// day truncates a time to its UTC day (unix ms): log entries of submissions say which day, not when.
func day(t time.Time) int64 {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).UnixMilli()
}

// logEntry appends one entry to this agency's log and returns its index; with, if not nil, records what
// the entry stands for in the same transaction (see tlog.Log.AppendWith).
func (ag *Agency) logEntry(e wire.LogEntry, with func(tx *bolt.Tx, index int64) error) (int64, error) {
	l, err := ag.agencyLog()
	if err != nil {
		return 0, err
	}
	b, err := wire.Marshal(&e)
	if err != nil {
		return 0, err
	}
	index, _, err := l.AppendWith(with, b)
	return index, err
}

// SubmissionInfo is a clip an agency received.
type SubmissionInfo struct {
	ID, Request, Case, Camera string
	Start, End, Received      time.Time
	Size                      int64
	Note                      string
	Count                     int64
}

// Submissions lists the clips this agency received, newest first.
func (ag *Agency) Submissions() ([]SubmissionInfo, error) {
	out := []SubmissionInfo{}
	err := ag.store.eachCBOR(bSubmissions, func(k, v []byte) error {
		var st submissionState
		if wire.Unmarshal(v, &st) != nil {
			return nil
		}
		if info, err := ag.submissionInfo(fmt.Sprintf("%x", k), st); err == nil {
			out = append(out, info)
		}
		return nil
	})
	sort.SliceStable(out, func(i, j int) bool { return out[i].Received.After(out[j].Received) })
	return out, err
}

func (ag *Agency) submissionInfo(id string, st submissionState) (SubmissionInfo, error) {
	rec, err := wire.Decode(st.Approval)
	var a wire.Approval
	if err == nil {
		err = rec.Open(wire.KindApproval, &a)
	}
	if err != nil {
		return SubmissionInfo{}, err
	}
	info := SubmissionInfo{ID: id, Request: a.Request, Camera: a.Camera, Start: wire.Millis(a.Start), End: wire.Millis(a.End),
		Received: wire.Millis(st.Received), Size: a.Size, Note: a.Note, Count: st.Count}
	if r, err := ag.Request(a.Request); err == nil {
		info.Case = r.Case
	}
	return info, nil
}
