package tlog

import (
	"errors"
	"fmt"
	"sync"

	bolt "go.etcd.io/bbolt"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// Log is an append-only Merkle log kept in a bbolt bucket, with a checkpoint signed after every append.
// It is safe for concurrent use; appends are serialized, reads run alongside them.
type Log struct {
	db     *bolt.DB
	bucket []byte
	signer note.Signer

	mu         sync.RWMutex // held for writing across a whole Append
	size       int64
	checkpoint []byte
}

// Open opens the log kept in bucket of db, creating it (with a signed checkpoint of the empty tree) if
// the bucket does not exist. The log's origin is signer.Name(). Open refuses a stored log whose
// checkpoint names another origin, was signed by another key or does not match the stored tree.
func Open(db *bolt.DB, bucket []byte, signer note.Signer) (*Log, error) {
	l := &Log{db: db, bucket: append([]byte(nil), bucket...), signer: signer}
	err := db.Update(func(tx *bolt.Tx) error {
		b, err := createBuckets(tx, l.bucket)
		if err != nil {
			return err
		}
		if l.size, err = b.size(); err != nil {
			return err
		}
		if stored := b.root.Get(checkpointKey); stored != nil {
			l.checkpoint = append([]byte(nil), stored...)
			return l.checkStored(b)
		}
		if l.size != 0 {
			return fmt.Errorf("tlog: %q has %d entries but no checkpoint", l.bucket, l.size)
		}
		l.checkpoint, err = l.sign(b, 0)
		return err
	})
	if err != nil {
		return nil, err
	}
	return l, nil
}

// checkStored checks the stored checkpoint against the signer and the stored tree, so a log reopened
// with the wrong key or with damaged hashes fails at once rather than signing a different history.
func (l *Log) checkStored(b logBuckets) error {
	cp, err := readSigned(l.checkpoint)
	if err != nil {
		return fmt.Errorf("tlog: stored checkpoint of %q: %w", l.bucket, err)
	}
	if cp.Origin != l.signer.Name() {
		return fmt.Errorf("%w: stored log is %q, signer is %q", ErrWrongOrigin, cp.Origin, l.signer.Name())
	}
	if !signedBy(l.checkpoint, l.signer) {
		return fmt.Errorf("tlog: stored checkpoint of %q was not signed by key %08x", cp.Origin, l.signer.KeyHash())
	}
	if cp.Size != l.size {
		return fmt.Errorf("tlog: stored checkpoint of %q has size %d, log has %d", cp.Origin, cp.Size, l.size)
	}
	root, err := tlog.TreeHash(l.size, b.hashes)
	if err != nil {
		return fmt.Errorf("tlog: %q: %w", cp.Origin, err)
	}
	if root != cp.Hash {
		return fmt.Errorf("tlog: stored tree of %q has hash %v, its checkpoint says %v", cp.Origin, root, cp.Hash)
	}
	return nil
}

// signedBy reports whether the note carries a signature line for s's name and key hash. The signature
// itself is not checked: the note comes from our own store, and s cannot verify.
func signedBy(signed []byte, s note.Signer) bool {
	_, err := note.Open(signed, nil)
	var unverified *note.UnverifiedNoteError
	if !errors.As(err, &unverified) {
		return false
	}
	for _, sig := range unverified.Note.UnverifiedSigs {
		if sig.Name == s.Name() && sig.Hash == s.KeyHash() {
			return true
		}
	}
	return false
}

// sign computes the root of the tree of size entries, signs a checkpoint for it and stores both the
// size and the checkpoint, in the caller's transaction.
func (l *Log) sign(b logBuckets, size int64) ([]byte, error) {
	root, err := tlog.TreeHash(size, b.hashes)
	if err != nil {
		return nil, fmt.Errorf("tlog: %q: tree hash: %w", l.signer.Name(), err)
	}
	text := formatCheckpoint(l.signer.Name(), size, root)
	signed, err := note.Sign(&note.Note{Text: string(text)}, l.signer)
	if err != nil {
		return nil, fmt.Errorf("tlog: %q: sign checkpoint: %w", l.signer.Name(), err)
	}
	if err := b.root.Put(sizeKey, u64key(size)); err != nil {
		return nil, err
	}
	if err := b.root.Put(checkpointKey, signed); err != nil {
		return nil, err
	}
	return signed, nil
}

// Append adds entries to the log and signs a new checkpoint, all in one bbolt transaction: on error
// nothing was added. It returns the index of the first new entry and the new signed checkpoint.
func (l *Log) Append(entries ...[]byte) (first int64, checkpoint []byte, err error) {
	return l.AppendWith(nil, entries...)
}

// AppendWith is Append that also runs with, if not nil, in the same transaction, given the index of the
// first new entry: the caller's own records of what it appended commit with the entries or not at all.
// An error from with aborts the append. with must use only tx to reach the database.
func (l *Log) AppendWith(with func(tx *bolt.Tx, first int64) error, entries ...[]byte) (first int64, checkpoint []byte, err error) {
	if len(entries) == 0 {
		return 0, nil, errors.New("tlog: Append with no entries")
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	first, n := l.size, l.size
	err = l.db.Update(func(tx *bolt.Tx) error {
		b, err := openBuckets(tx, l.bucket)
		if err != nil {
			return err
		}
		for _, e := range entries {
			hashes, err := tlog.StoredHashes(n, e, b.hashes)
			if err != nil {
				return fmt.Errorf("tlog: entry %d: %w", n, err)
			}
			if err := b.hashes.write(tlog.StoredHashIndex(0, n), hashes); err != nil {
				return err
			}
			if err := b.entries.Put(u64key(n), e); err != nil {
				return fmt.Errorf("tlog: entry %d: %w", n, err)
			}
			n++
		}
		if checkpoint, err = l.sign(b, n); err != nil || with == nil {
			return err
		}
		return with(tx, first)
	})
	if err != nil {
		return 0, nil, err
	}
	l.size, l.checkpoint = n, checkpoint
	return first, append([]byte(nil), checkpoint...), nil
}

// Origin returns the log's name, the first line of its checkpoints.
func (l *Log) Origin() string { return l.signer.Name() }

// Size returns the number of entries in the log.
func (l *Log) Size() int64 {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.size
}

// Checkpoint returns the latest signed checkpoint, for the log's current Size.
func (l *Log) Checkpoint() []byte {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return append([]byte(nil), l.checkpoint...)
}

// Entry returns entry i of the log.
func (l *Log) Entry(i int64) ([]byte, error) {
	if size := l.Size(); i < 0 || i >= size {
		return nil, fmt.Errorf("%w: entry %d of a log of %d", ErrOutOfRange, i, size)
	}
	var out []byte
	err := l.db.View(func(tx *bolt.Tx) error {
		b, err := openBuckets(tx, l.bucket)
		if err != nil {
			return err
		}
		v := b.entries.Get(u64key(i))
		if v == nil {
			return fmt.Errorf("tlog: entry %d missing", i)
		}
		out = append([]byte{}, v...)
		return nil
	})
	return out, err
}
