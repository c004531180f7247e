package tlog

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// Names inside a witness's bucket.
var (
	latestBucket = []byte("latest") // origin -> latest accepted signed checkpoint
	forksBucket  = []byte("forks")  // sequence -> JSON ForkError
)

// errRaced means another Observe changed the stored checkpoint while this one fetched a proof.
var errRaced = errors.New("tlog: witness: stored checkpoint changed")

// observeAttempts bounds retries when concurrent Observes of one origin race.
const observeAttempts = 8

// Witness is what a home keeps of the logs it follows: the latest checkpoint it accepted per origin,
// and the fork evidence it found. It is safe for concurrent use.
type Witness struct {
	db     *bolt.DB
	bucket []byte
}

// NewWitness returns the witness kept in bucket of db, creating the bucket if needed.
func NewWitness(db *bolt.DB, bucket []byte) (*Witness, error) {
	w := &Witness{db: db, bucket: append([]byte(nil), bucket...)}
	err := db.Update(func(tx *bolt.Tx) error {
		root, err := tx.CreateBucketIfNotExists(w.bucket)
		if err != nil {
			return err
		}
		for _, sub := range [][]byte{latestBucket, forksBucket} {
			if _, err := root.CreateBucketIfNotExists(sub); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("tlog: witness bucket %q: %w", bucket, err)
	}
	return w, nil
}

// Latest returns the latest checkpoint of origin the witness accepted, and false if it has none (or
// cannot read it).
func (w *Witness) Latest(origin string) (Checkpoint, bool) {
	cp, ok, err := w.latest(origin)
	return cp, ok && err == nil
}

func (w *Witness) latest(origin string) (cp Checkpoint, ok bool, err error) {
	err = w.db.View(func(tx *bolt.Tx) error {
		v := tx.Bucket(w.bucket).Bucket(latestBucket).Get([]byte(origin))
		if v == nil {
			return nil
		}
		cp, err = readSigned(append([]byte(nil), v...))
		ok = err == nil
		return err
	})
	return cp, ok, err
}

// Observe takes a checkpoint cp from ParseCheckpoint (so its signature has been verified) and checks it
// against the stored checkpoint of its origin. The first checkpoint of an origin is stored as is. A
// larger one is stored only if consistency gives a proof that it extends the stored one; an equal or
// smaller one is checked (a smaller one with a proof that the stored one extends it) and not stored.
// When the two cannot both be true Observe records and returns a *ForkError and keeps the stored one.
// An error fetching a proof is returned as is: it proves nothing.
func (w *Witness) Observe(cp Checkpoint, consistency ConsistencyFunc) error {
	stated, err := readSigned(bytes.Clone(cp.Signed)) // kept in the store and in ForkErrors
	if err != nil {
		return fmt.Errorf("tlog: witness: %w", err)
	}
	if stated.Origin != cp.Origin || stated.Size != cp.Size || stated.Hash != cp.Hash {
		return fmt.Errorf("tlog: witness: checkpoint fields do not match its signed note (use ParseCheckpoint)")
	}
	for range observeAttempts {
		err = w.observeOnce(stated, consistency)
		if !errors.Is(err, errRaced) {
			return err
		}
	}
	return fmt.Errorf("tlog: witness %q: gave up after %d concurrent updates", cp.Origin, observeAttempts)
}

func (w *Witness) observeOnce(cp Checkpoint, consistency ConsistencyFunc) error {
	held, ok, err := w.latest(cp.Origin)
	if err != nil {
		return fmt.Errorf("tlog: witness %q: stored checkpoint: %w", cp.Origin, err)
	}
	if !ok {
		return w.replace(cp.Origin, nil, cp.Signed)
	}
	older, newer := held, cp
	if cp.Size < held.Size {
		older, newer = cp, held
	}
	reason, err := checkPair(older, newer, consistency)
	if err != nil {
		return err
	}
	if reason != "" {
		fork := &ForkError{Origin: cp.Origin, Held: held.Signed, Seen: cp.Signed, Reason: reason}
		if err := w.record(fork); err != nil {
			return err
		}
		return fork
	}
	if cp.Size > held.Size {
		return w.replace(cp.Origin, held.Signed, cp.Signed)
	}
	return nil
}

// replace stores signed as origin's latest checkpoint if the stored one is still was (nil: none).
func (w *Witness) replace(origin string, was, signed []byte) error {
	return w.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(w.bucket).Bucket(latestBucket)
		cur := b.Get([]byte(origin))
		if (cur == nil) != (was == nil) || !bytes.Equal(cur, was) {
			return errRaced
		}
		return b.Put([]byte(origin), signed)
	})
}

// MaxForksPerOrigin bounds the fork evidence kept for one log: one pair of signed checkpoints already
// proves the log forked, and a log that signs conflicting trees without end must not fill the disk.
const MaxForksPerOrigin = 8

// record keeps fork evidence once, however often the same pair is seen, and at most MaxForksPerOrigin
// pairs per log.
func (w *Witness) record(fork *ForkError) error {
	enc, err := json.Marshal(fork)
	if err != nil {
		return err
	}
	return w.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(w.bucket).Bucket(forksBucket)
		dup, same := false, 0
		err := b.ForEach(func(_, v []byte) error {
			var f ForkError
			if json.Unmarshal(v, &f) != nil || f.Origin != fork.Origin {
				return nil
			}
			same++
			if bytes.Equal(f.Held, fork.Held) && bytes.Equal(f.Seen, fork.Seen) {
				dup = true
			}
			return nil
		})
		if err != nil || dup || same >= MaxForksPerOrigin {
			return err
		}
		seq, err := b.NextSequence()
		if err != nil {
			return err
		}
		return b.Put(u64key(int64(seq)), enc)
	})
}

// Forks returns the fork evidence the witness has recorded, oldest first.
func (w *Witness) Forks() ([]ForkError, error) {
	var out []ForkError
	err := w.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(w.bucket).Bucket(forksBucket).ForEach(func(k, v []byte) error {
			var f ForkError
			if err := json.Unmarshal(v, &f); err != nil {
				return fmt.Errorf("tlog: witness: fork record %x: %w", k, err)
			}
			out = append(out, f)
			return nil
		})
	})
	return out, err
}
