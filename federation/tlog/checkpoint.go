package tlog

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// maxCheckpointSize bounds the signed notes ParseCheckpoint reads. A checkpoint with its signature is
// about 200 bytes; the slack leaves room for a few cosignatures.
const maxCheckpointSize = 8 << 10

// Checkpoint is a signed statement by a log that its tree of Size entries has root Hash.
type Checkpoint struct {
	Origin string    // name of the log, and of its signing key
	Size   int64     // number of entries
	Hash   tlog.Hash // root hash of the tree of the first Size entries
	Signed []byte    // the signed note exactly as received: the evidence
}

// Text returns the checkpoint body the log signs: origin, size and base64 hash lines.
func (c Checkpoint) Text() []byte {
	return formatCheckpoint(c.Origin, c.Size, c.Hash)
}

func formatCheckpoint(origin string, size int64, hash tlog.Hash) []byte {
	return []byte(origin + "\n" + strconv.FormatInt(size, 10) + "\n" + base64.StdEncoding.EncodeToString(hash[:]) + "\n")
}

// ParseCheckpoint opens a signed checkpoint of the log verified by v and parses it strictly: the note
// must carry a valid signature by v, and its text must be exactly v's name, a canonical decimal size
// and a canonical base64 32-byte hash, each on its own line. Signatures by other keys (cosigners) are
// allowed and ignored.
func ParseCheckpoint(signed []byte, v note.Verifier) (Checkpoint, error) {
	if len(signed) > maxCheckpointSize {
		return Checkpoint{}, fmt.Errorf("%w: %d bytes, limit %d", ErrMalformedCheckpoint, len(signed), maxCheckpointSize)
	}
	n, err := note.Open(signed, note.VerifierList(v))
	if err != nil {
		var unverified *note.UnverifiedNoteError
		var invalid *note.InvalidSignatureError
		if errors.As(err, &unverified) || errors.As(err, &invalid) {
			return Checkpoint{}, fmt.Errorf("%w %q: %v", ErrBadSignature, v.Name(), err)
		}
		return Checkpoint{}, fmt.Errorf("%w: %v", ErrMalformedCheckpoint, err)
	}
	cp, err := parseCheckpointText(n.Text)
	if err != nil {
		return Checkpoint{}, err
	}
	if cp.Origin != v.Name() {
		return Checkpoint{}, fmt.Errorf("%w: checkpoint is for %q, want %q", ErrWrongOrigin, cp.Origin, v.Name())
	}
	cp.Signed = append([]byte(nil), signed...)
	return cp, nil
}

// parseCheckpointText parses a checkpoint body without looking at signatures.
func parseCheckpointText(text string) (Checkpoint, error) {
	body, ok := strings.CutSuffix(text, "\n")
	if !ok {
		return Checkpoint{}, fmt.Errorf("%w: text does not end in a newline", ErrMalformedCheckpoint)
	}
	lines := strings.Split(body, "\n")
	if len(lines) != 3 {
		return Checkpoint{}, fmt.Errorf("%w: %d lines, want 3 (origin, size, hash)", ErrMalformedCheckpoint, len(lines))
	}
	origin, sizeText, hashText := lines[0], lines[1], lines[2]
	if origin == "" {
		return Checkpoint{}, fmt.Errorf("%w: empty origin", ErrMalformedCheckpoint)
	}
	size, err := strconv.ParseInt(sizeText, 10, 64)
	if err != nil || size < 0 || strconv.FormatInt(size, 10) != sizeText {
		return Checkpoint{}, fmt.Errorf("%w: size %q is not a canonical non-negative decimal", ErrMalformedCheckpoint, sizeText)
	}
	raw, err := base64.StdEncoding.Strict().DecodeString(hashText)
	if err != nil || len(raw) != tlog.HashSize {
		return Checkpoint{}, fmt.Errorf("%w: hash %q is not base64 of %d bytes", ErrMalformedCheckpoint, hashText, tlog.HashSize)
	}
	cp := Checkpoint{Origin: origin, Size: size}
	copy(cp.Hash[:], raw)
	if size == 0 && cp.Hash != emptyTreeHash {
		return Checkpoint{}, fmt.Errorf("%w: size 0 with a hash other than the empty tree's", ErrMalformedCheckpoint)
	}
	if string(cp.Text()) != text { // e.g. base64 with the wrong padding that Strict still took
		return Checkpoint{}, fmt.Errorf("%w: not in canonical form", ErrMalformedCheckpoint)
	}
	return cp, nil
}

// readSigned recovers a checkpoint's fields from its signed note without checking the signature. Used
// on notes that were verified before (the witness's own store) or to check that a Checkpoint's fields
// are the ones its note states.
func readSigned(signed []byte) (Checkpoint, error) {
	_, err := note.Open(signed, nil)
	var unverified *note.UnverifiedNoteError
	if !errors.As(err, &unverified) {
		return Checkpoint{}, fmt.Errorf("%w: %v", ErrMalformedCheckpoint, err)
	}
	cp, err := parseCheckpointText(unverified.Note.Text)
	if err != nil {
		return Checkpoint{}, err
	}
	cp.Signed = signed
	return cp, nil
}
