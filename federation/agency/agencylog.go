package agency

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"golang.org/x/mod/sumdb/note"
	stlog "golang.org/x/mod/sumdb/tlog"

	"github.com/porchlight/porchlight/federation/roster"
	"github.com/porchlight/porchlight/federation/tlog"
	"github.com/porchlight/porchlight/federation/wire"
)

// An agency's node keeps its public log: every request it posts, a count for every submission it receives
// and every request it closes, as leaves of a Merkle tree whose checkpoints it signs with its node key.
// Members read it with the log protocol: the latest checkpoint, consistency proofs between two sizes, and
// entries. A member asks the same things whatever it holds, so what it asks says nothing about whether a
// request matched its cameras.

const (
	protoLog       = "/porchlight/log/1.0.0"
	maxFrame       = 4 << 20 // bounds one frame read from a peer, as in the core's protocols
	logTimeout     = 30 * time.Second
	maxLogEntries  = 1000 // entries per log answer
	logEntriesSize = maxFrame - 64<<10
)

// logOrigin names an agency's log (and its checkpoint key).
func logOrigin(agency peer.ID) string { return logPrefix + agency.String() }

const logPrefix = "porchlight.log/"

func logVerifier(agency peer.ID, key []byte) (note.Verifier, error) {
	return tlog.NewVerifier(logOrigin(agency), key)
}

// agencyLog opens this node's log on first use.
func (ag *Agency) agencyLog() (*tlog.Log, error) {
	ag.logMu.Lock()
	defer ag.logMu.Unlock()
	if ag.reqLog != nil {
		return ag.reqLog, nil
	}
	signer, err := tlog.NewSigner(logOrigin(ag.self), ag.cfg.Key)
	if err != nil {
		return nil, err
	}
	l, err := tlog.Open(ag.store.db, bAgencyLog, signer)
	if err != nil {
		return nil, fmt.Errorf("open request log: %w", err)
	}
	ag.reqLog = l
	ag.lastNotice = l.Size()
	return l, nil
}

type logRequest struct {
	Op    string `cbor:"1,keyasint"` // "checkpoint", "consistency", "entries"
	Old   int64  `cbor:"2,keyasint,omitempty"`
	New   int64  `cbor:"3,keyasint,omitempty"`
	From  int64  `cbor:"4,keyasint,omitempty"`
	Count int64  `cbor:"5,keyasint,omitempty"`
}

type logResponse struct {
	Error      string   `cbor:"1,keyasint,omitempty"`
	Checkpoint []byte   `cbor:"2,keyasint,omitempty"`
	Proof      []byte   `cbor:"3,keyasint,omitempty"`
	Entries    [][]byte `cbor:"4,keyasint,omitempty"`
}

// logPublic are the log operations anyone connected may ask: a checkpoint and a consistency proof show a
// log's size and hashes, which let anyone hold the agency to one log, and nothing of what it holds. The
// entries (case numbers, reasons, areas and windows) are for members of the agency's hoods.
var logPublic = map[string]bool{"checkpoint": true, "consistency": true}

// serveLog answers a question about this node's log: a member's, or a guest's about its public part.
func (ag *Agency) serveLog(s network.Stream) {
	defer s.Close()
	s.SetDeadline(time.Now().Add(logTimeout))
	remote := s.Conn().RemotePeer()
	var req logRequest
	if err := wire.NewFrameReader(s, maxFrame).Read(&req); err != nil {
		ag.core.Reject(remote, "log", err.Error())
		s.Reset()
		return
	}
	if !logPublic[req.Op] && !ag.core.IsMember(remote) {
		ag.core.Reject(remote, "guest", protoLog+" "+req.Op)
		wire.WriteFrame(s, &logResponse{Error: fmt.Sprintf("%v: the log's %s are for members of the agency's hoods", roster.ErrNotMember, req.Op)})
		return
	}
	resp, err := ag.answerLog(req)
	if err != nil {
		resp = logResponse{Error: err.Error()}
	}
	wire.WriteFrame(s, &resp)
}

func (ag *Agency) answerLog(req logRequest) (logResponse, error) {
	if ag.cfg.Role != wire.RoleAgency {
		return logResponse{}, fmt.Errorf("%w: this node keeps no request log", roster.ErrNotFound)
	}
	l, err := ag.agencyLog()
	if err != nil {
		return logResponse{}, err
	}
	switch req.Op {
	case "checkpoint":
		return logResponse{Checkpoint: l.Checkpoint()}, nil
	case "consistency":
		p, err := l.ConsistencyProof(req.Old, req.New)
		if err != nil {
			return logResponse{}, err
		}
		return logResponse{Proof: tlog.EncodeProof(p)}, nil
	case "entries":
		var out logResponse
		size, total := l.Size(), 0
		for i := req.From; i >= 0 && i < size && int64(len(out.Entries)) < min(req.Count, maxLogEntries); i++ {
			e, err := l.Entry(i)
			if err != nil {
				return logResponse{}, err
			}
			if total += len(e); total > logEntriesSize {
				break
			}
			out.Entries = append(out.Entries, e)
		}
		return out, nil
	}
	return logResponse{}, fmt.Errorf("%w: log operation %q", roster.ErrInvalid, req.Op)
}

// askLog sends one question to an agency's log. The answer must come within logTimeout, and before ctx
// ends: an agency that does not answer holds up its caller no longer than that.
func (ag *Agency) askLog(ctx context.Context, agency peer.ID, req logRequest) (logResponse, error) {
	ctx, cancel := context.WithTimeout(ctx, logTimeout)
	defer cancel()
	s, err := ag.core.OpenStream(ctx, agency, protoLog)
	if err != nil {
		return logResponse{}, err
	}
	defer s.Close()
	defer context.AfterFunc(ctx, func() { s.Reset() })()
	s.SetDeadline(time.Now().Add(logTimeout))
	if err := wire.WriteFrame(s, &req); err != nil {
		s.Reset()
		return logResponse{}, fmt.Errorf("%w: agency %s: %w", roster.ErrUnreachable, agency, err)
	}
	var resp logResponse
	if err := wire.NewFrameReader(s, maxFrame).Read(&resp); err != nil {
		return logResponse{}, fmt.Errorf("%w: agency %s: %w", roster.ErrUnreachable, agency, errors.Join(err, ctx.Err()))
	}
	if resp.Error != "" {
		return resp, fmt.Errorf("agency %s: %s", agency, resp.Error)
	}
	return resp, nil
}

// consistencyFrom returns a function that fetches consistency proofs from the agency's log.
func (ag *Agency) consistencyFrom(ctx context.Context, agency peer.ID) tlog.ConsistencyFunc {
	return func(oldSize, newSize int64) (stlog.TreeProof, error) {
		resp, err := ag.askLog(ctx, agency, logRequest{Op: "consistency", Old: oldSize, New: newSize})
		if err != nil {
			return nil, err
		}
		return tlog.DecodeProof(resp.Proof)
	}
}
