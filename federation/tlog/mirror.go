package tlog

import (
	"fmt"

	"golang.org/x/mod/sumdb/tlog"
)

// TreeHash computes the root hash of a log holding exactly entries, in memory: how a member that fetched
// a whole log checks it against a signed checkpoint without trusting the operator's proofs.
func TreeHash(entries [][]byte) (tlog.Hash, error) {
	var hashes memHashes
	for i, e := range entries {
		stored, err := tlog.StoredHashes(int64(i), e, hashes)
		if err != nil {
			return tlog.Hash{}, fmt.Errorf("tlog: entry %d: %w", i, err)
		}
		hashes = append(hashes, stored...)
	}
	return tlog.TreeHash(int64(len(entries)), hashes)
}

// memHashes is a tlog.HashReader over stored hashes kept in a slice, by storage index.
type memHashes []tlog.Hash

func (m memHashes) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	for i, x := range indexes {
		if x < 0 || x >= int64(len(m)) {
			return nil, fmt.Errorf("tlog: stored hash %d of %d", x, len(m))
		}
		out[i] = m[x]
	}
	return out, nil
}
