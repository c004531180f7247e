package agency

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"os"
	"time"

	stlog "golang.org/x/mod/sumdb/tlog"

	"github.com/porchlight/porchlight/federation/deliver"
	"github.com/porchlight/porchlight/federation/roster"
	"github.com/porchlight/porchlight/federation/tlog"
	"github.com/porchlight/porchlight/federation/wire"
)

// OpenSubmission decrypts a received clip into w and checks it against its manifest (size and SHA-256 of
// the MP4 the owner approved). A clip that does not match is an error after the bytes were written: the
// caller discards them.
func (ag *Agency) OpenSubmission(id string, w io.Writer) (int64, error) {
	st, a, err := ag.submission(id)
	if err != nil {
		return 0, err
	}
	identity, err := ag.agencyIdentity()
	if err != nil {
		return 0, err
	}
	f, err := os.Open(st.Path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sums, err := deliver.Unseal(w, f, identity)
	if err != nil {
		return sums.PlainSize, fmt.Errorf("decrypt submission %s: %w", id, err)
	}
	if sums.PlainSize != a.Size || !bytes.Equal(sums.PlainSHA256[:], a.SHA256) {
		return sums.PlainSize, fmt.Errorf("%w: submission %s does not match its manifest", roster.ErrInvalid, id)
	}
	return sums.PlainSize, nil
}

func (ag *Agency) submission(id string) (submissionState, wire.Approval, error) {
	var st submissionState
	var a wire.Approval
	if err := ag.store.getCBOR(bSubmissions, requestKey(id), &st); err != nil {
		return st, a, fmt.Errorf("%w: submission %s", roster.ErrNotFound, id)
	}
	rec, err := wire.Decode(st.Approval)
	if err == nil {
		err = rec.Open(wire.KindApproval, &a)
	}
	return st, a, err
}

// Custody is the chain-of-custody record of a submission: what the owner signed, what the agency signed,
// and where both the request and the submission stand in the agency's public log.
type Custody struct {
	Submission     string    `json:"submission"`
	Request        string    `json:"request"`
	Case           string    `json:"case"`
	Camera         string    `json:"camera"`
	Start          time.Time `json:"start"`
	End            time.Time `json:"end"`
	Note           string    `json:"note,omitempty"`
	Size           int64     `json:"size"`
	SHA256         string    `json:"sha256"` // of the MP4, hex
	CipherSize     int64     `json:"cipher_size"`
	CipherSHA256   string    `json:"cipher_sha256"`
	Owner          string    `json:"owner"` // the approving home's member ID
	Approved       time.Time `json:"approved"`
	Received       time.Time `json:"received"`
	Manifest       string    `json:"manifest"` // the signed approval, base64 CBOR
	Receipt        string    `json:"receipt"`  // the signed receipt, base64 CBOR
	Checkpoint     string    `json:"checkpoint"`
	RequestIndex   int64     `json:"request_index"`
	RequestProof   []string  `json:"request_proof"` // base64 hashes
	SubmissionNo   int64     `json:"submission_count"`
	SubmissionIdx  int64     `json:"submission_index"`
	SubmissionPath []string  `json:"submission_proof"`
}

// SubmissionCustody returns a submission's chain-of-custody record, with inclusion proofs of the request
// and of the submission's count against the log's current checkpoint.
func (ag *Agency) SubmissionCustody(id string) (Custody, error) {
	st, a, err := ag.submission(id)
	if err != nil {
		return Custody{}, err
	}
	req, err := ag.Request(a.Request)
	if err != nil {
		return Custody{}, err
	}
	l, err := ag.agencyLog()
	if err != nil {
		return Custody{}, err
	}
	v, err := logVerifier(ag.self, ag.pub())
	if err != nil {
		return Custody{}, err
	}
	cp, err := tlog.ParseCheckpoint(l.Checkpoint(), v)
	if err != nil {
		return Custody{}, err
	}
	size := cp.Size
	rp, err := l.InclusionProof(req.LogIndex, size)
	if err != nil {
		return Custody{}, err
	}
	sp, err := l.InclusionProof(st.LogIndex, size)
	if err != nil {
		return Custody{}, err
	}
	owner, _ := roster.PeerOf(a.Owner)
	return Custody{Submission: id, Request: a.Request, Case: req.Case, Camera: a.Camera, Start: wire.Millis(a.Start),
		End: wire.Millis(a.End), Note: a.Note, Size: a.Size, SHA256: fmt.Sprintf("%x", a.SHA256), CipherSize: a.CipherSize,
		CipherSHA256: fmt.Sprintf("%x", a.CipherSHA256), Owner: owner.String(), Approved: wire.Millis(a.Time),
		Received: wire.Millis(st.Received), Manifest: base64.StdEncoding.EncodeToString(st.Approval),
		Receipt: base64.StdEncoding.EncodeToString(st.Receipt), Checkpoint: string(cp.Signed), RequestIndex: req.LogIndex,
		RequestProof: b64Hashes(rp), SubmissionNo: st.Count, SubmissionIdx: st.LogIndex, SubmissionPath: b64Hashes(sp)}, nil
}

func b64Hashes(p []stlog.Hash) []string {
	out := make([]string, len(p))
	for i, h := range p {
		out[i] = base64.StdEncoding.EncodeToString(h[:])
	}
	return out
}
