package tlog

import (
	"errors"
	"fmt"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// ErrNotFork means two checkpoints offered as fork evidence are consistent after all.
var ErrNotFork = errors.New("tlog: checkpoints are consistent, not a fork")

// ConsistencyFunc fetches the proof that the log's tree of newSize entries extends its tree of oldSize
// entries, usually from the log operator over the network (Log.ConsistencyProof on its side).
type ConsistencyFunc func(oldSize, newSize int64) (tlog.TreeProof, error)

// ForkError is evidence that a log signed two checkpoints that cannot both be true. Held is the
// checkpoint the witness had accepted, Seen the one that contradicts it; both are the signed notes
// exactly as received, so anyone with the log's public key can check them (VerifyFork).
type ForkError struct {
	Origin string
	Held   []byte
	Seen   []byte
	Reason string // what failed: equal sizes with different hashes, or the consistency proof
}

func (e *ForkError) Error() string {
	return fmt.Sprintf("tlog: log %q forked: %s", e.Origin, e.Reason)
}

// VerifyFork checks fork evidence: two checkpoints a and b, both validly signed by v, that cannot both
// be true. It returns nil when they are proven inconsistent. Equal sizes with different hashes need
// nothing else. For different sizes it asks consistency for the proof between them (an honest log can
// always give one) and returns nil if that proof fails, ErrNotFork if it verifies, and the fetch error
// if there is no proof to judge.
func VerifyFork(a, b []byte, v note.Verifier, consistency ConsistencyFunc) error {
	older, err := ParseCheckpoint(a, v)
	if err != nil {
		return fmt.Errorf("tlog: fork evidence, first checkpoint: %w", err)
	}
	newer, err := ParseCheckpoint(b, v)
	if err != nil {
		return fmt.Errorf("tlog: fork evidence, second checkpoint: %w", err)
	}
	if newer.Size < older.Size {
		older, newer = newer, older
	}
	reason, err := checkPair(older, newer, consistency)
	if err != nil {
		return err
	}
	if reason == "" {
		return ErrNotFork
	}
	return nil
}

// checkPair checks that newer (not smaller than older) extends older. A non-empty reason says why they
// cannot both be true; err says the proof could not be fetched, so there is nothing to judge.
func checkPair(older, newer Checkpoint, consistency ConsistencyFunc) (reason string, err error) {
	if older.Size == newer.Size {
		if older.Hash != newer.Hash {
			return fmt.Sprintf("two different trees of size %d", older.Size), nil
		}
		return "", nil
	}
	var proof tlog.TreeProof
	if older.Size > 0 {
		if consistency == nil {
			return "", fmt.Errorf("tlog: %q: no way to fetch a consistency proof from %d to %d", older.Origin, older.Size, newer.Size)
		}
		if proof, err = consistency(older.Size, newer.Size); err != nil {
			return "", fmt.Errorf("tlog: %q: fetching consistency proof from %d to %d: %w", older.Origin, older.Size, newer.Size, err)
		}
	}
	if err := VerifyConsistency(older, newer, proof); err != nil {
		return fmt.Sprintf("tree of size %d does not extend tree of size %d: %v", newer.Size, older.Size, err), nil
	}
	return "", nil
}
