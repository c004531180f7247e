package tlog

import (
	"fmt"

	bolt "go.etcd.io/bbolt"
	"golang.org/x/mod/sumdb/tlog"
)

// maxProofHashes bounds decoded proofs: a tree of 2^63 entries needs fewer.
const maxProofHashes = 64

// InclusionProof returns the proof that entry index is in the tree of the first size entries, to be
// checked with VerifyInclusion against a checkpoint of that size.
func (l *Log) InclusionProof(index, size int64) (tlog.RecordProof, error) {
	if cur := l.Size(); index < 0 || index >= size || size > cur {
		return nil, fmt.Errorf("%w: inclusion of entry %d in tree %d (log has %d)", ErrOutOfRange, index, size, cur)
	}
	var p tlog.RecordProof
	err := l.view(func(r tlog.HashReader) (err error) {
		p, err = tlog.ProveRecord(size, index, r)
		return err
	})
	return p, err
}

// ConsistencyProof returns the proof that the tree of newSize entries extends the tree of oldSize, to
// be checked with VerifyConsistency. It is empty when oldSize is 0 or equals newSize.
func (l *Log) ConsistencyProof(oldSize, newSize int64) (tlog.TreeProof, error) {
	if cur := l.Size(); oldSize < 0 || oldSize > newSize || newSize > cur {
		return nil, fmt.Errorf("%w: consistency of tree %d with %d (log has %d)", ErrOutOfRange, oldSize, newSize, cur)
	}
	if oldSize == 0 || oldSize == newSize {
		return tlog.TreeProof{}, nil
	}
	var p tlog.TreeProof
	err := l.view(func(r tlog.HashReader) (err error) {
		p, err = tlog.ProveTree(newSize, oldSize, r)
		return err
	})
	return p, err
}

func (l *Log) view(fn func(tlog.HashReader) error) error {
	return l.db.View(func(tx *bolt.Tx) error {
		b, err := openBuckets(tx, l.bucket)
		if err != nil {
			return err
		}
		return fn(b.hashes)
	})
}

// VerifyInclusion checks that entry is entry index of the tree cp signs.
func VerifyInclusion(cp Checkpoint, index int64, entry []byte, proof tlog.RecordProof) error {
	if index < 0 || index >= cp.Size {
		return fmt.Errorf("%w: entry %d, checkpoint of %q has %d", ErrOutOfRange, index, cp.Origin, cp.Size)
	}
	if err := tlog.CheckRecord(proof, cp.Size, cp.Hash, index, tlog.RecordHash(entry)); err != nil {
		return fmt.Errorf("%w: entry %d in %q at size %d: %v", ErrProof, index, cp.Origin, cp.Size, err)
	}
	return nil
}

// VerifyConsistency checks that newer extends older: same origin, no smaller, and the proof shows the
// older tree is a prefix of the newer one. Equal sizes need equal hashes and an empty proof.
func VerifyConsistency(older, newer Checkpoint, proof tlog.TreeProof) error {
	if older.Origin != newer.Origin {
		return fmt.Errorf("%w: %q vs %q", ErrWrongOrigin, older.Origin, newer.Origin)
	}
	if newer.Size < older.Size {
		return fmt.Errorf("%w: %q from %d to %d entries", ErrShrunk, older.Origin, older.Size, newer.Size)
	}
	switch {
	case older.Size == newer.Size || older.Size == 0:
		if older.Size == newer.Size && older.Hash != newer.Hash {
			return fmt.Errorf("%w: %q has two hashes at size %d", ErrProof, older.Origin, older.Size)
		}
		if older.Size == 0 && older.Hash != emptyTreeHash {
			return fmt.Errorf("%w: %q size 0 with a non-empty hash", ErrProof, older.Origin)
		}
		if len(proof) != 0 {
			return fmt.Errorf("%w: %q from %d to %d needs no proof, got %d hashes", ErrProof, older.Origin, older.Size, newer.Size, len(proof))
		}
		return nil
	}
	if err := tlog.CheckTree(proof, newer.Size, newer.Hash, older.Size, older.Hash); err != nil {
		return fmt.Errorf("%w: %q from %d to %d: %v", ErrProof, older.Origin, older.Size, newer.Size, err)
	}
	return nil
}

// EncodeProof is the wire form of a proof: its hashes concatenated.
func EncodeProof(p []tlog.Hash) []byte {
	out := make([]byte, 0, len(p)*tlog.HashSize)
	for _, h := range p {
		out = append(out, h[:]...)
	}
	return out
}

// DecodeProof parses EncodeProof's output. It refuses a length that is not a whole number of hashes or
// more than 64 hashes, more than any proof in a log of 2^63 entries needs.
func DecodeProof(b []byte) ([]tlog.Hash, error) {
	if len(b)%tlog.HashSize != 0 {
		return nil, fmt.Errorf("%w: %d bytes is not a multiple of %d", ErrMalformedProof, len(b), tlog.HashSize)
	}
	if n := len(b) / tlog.HashSize; n > maxProofHashes {
		return nil, fmt.Errorf("%w: %d hashes, limit %d", ErrMalformedProof, n, maxProofHashes)
	}
	p := make([]tlog.Hash, len(b)/tlog.HashSize)
	for i := range p {
		copy(p[i][:], b[i*tlog.HashSize:])
	}
	return p, nil
}
