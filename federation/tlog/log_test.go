package tlog_test

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"path/filepath"
	"sync"
	"testing"

	bolt "go.etcd.io/bbolt"

	sumtlog "golang.org/x/mod/sumdb/tlog"

	"github.com/porchlight/porchlight/federation/tlog"
)

// TestAppendAndProve builds a log of 1000 entries in batches of varied size and checks every entry
// against the latest and several older checkpoints, and consistency between random pairs.
func TestAppendAndProve(t *testing.T) {
	s, v := testKeys(t, testOrigin, "agency")
	l := openLog(t, tempDB(t), s)
	rng := rand.New(rand.NewPCG(1, 2))
	batches := []int{1, 1, 2, 3, 7, 16, 1, 64, 5, 100, 31, 2, 250}
	var cps []tlog.Checkpoint
	for i := 0; l.Size() < 1000; i++ {
		n := min(int64(batches[i%len(batches)]), 1000-l.Size())
		first := l.Size()
		cp := appendN(t, l, v, "req", int(n))
		if cp.Size != first+n || cp.Origin != testOrigin {
			t.Fatalf("checkpoint after appending %d to %d: got size %d origin %q, want %d %q", n, first, cp.Size, cp.Origin, first+n, testOrigin)
		}
		if !bytes.Equal(l.Checkpoint(), cp.Signed) {
			t.Fatalf("Checkpoint() differs from the one Append returned")
		}
		cps = append(cps, cp)
	}
	latest := cps[len(cps)-1]
	for i := range int64(1000) {
		entry, err := l.Entry(i)
		if err != nil || !bytes.Equal(entry, entryText("req", i)) {
			t.Fatalf("Entry(%d): got %q, %v, want %q", i, entry, err, entryText("req", i))
		}
		// Latest, the first checkpoint holding i, and two random ones holding it.
		targets := []tlog.Checkpoint{latest}
		for _, cp := range cps {
			if cp.Size > i {
				targets = append(targets, cp)
				break
			}
		}
		for range 2 {
			cp := cps[rng.IntN(len(cps))]
			if cp.Size > i {
				targets = append(targets, cp)
			}
		}
		for _, cp := range targets {
			p, err := l.InclusionProof(i, cp.Size)
			if err != nil {
				t.Fatalf("InclusionProof(%d, %d): %v", i, cp.Size, err)
			}
			if err := tlog.VerifyInclusion(cp, i, entry, p); err != nil {
				t.Fatalf("VerifyInclusion(%d in %d): %v", i, cp.Size, err)
			}
		}
	}
	for range 300 {
		a, b := cps[rng.IntN(len(cps))], cps[rng.IntN(len(cps))]
		if a.Size > b.Size {
			a, b = b, a
		}
		p, err := l.ConsistencyProof(a.Size, b.Size)
		if err != nil {
			t.Fatalf("ConsistencyProof(%d, %d): %v", a.Size, b.Size, err)
		}
		if err := tlog.VerifyConsistency(a, b, p); err != nil {
			t.Fatalf("VerifyConsistency(%d, %d): %v", a.Size, b.Size, err)
		}
	}
}

// TestTampered checks that each kind of tampering with an entry, a proof or a checkpoint is caught.
func TestTampered(t *testing.T) {
	s, v := testKeys(t, testOrigin, "agency")
	l := openLog(t, tempDB(t), s)
	old := appendN(t, l, v, "req", 37)
	cp := appendN(t, l, v, "req", 63)
	const idx = 41
	entry, _ := l.Entry(idx)
	incl, err := l.InclusionProof(idx, cp.Size)
	if err != nil {
		t.Fatal(err)
	}
	cons, err := l.ConsistencyProof(old.Size, cp.Size)
	if err != nil {
		t.Fatal(err)
	}
	flip := func(p []sumtlog.Hash, i int) []sumtlog.Hash {
		q := append([]sumtlog.Hash(nil), p...)
		q[i][0] ^= 1
		return q
	}
	// A Checkpoint's size is not covered by its root hash (RFC 6962 trees of 100 and 101 entries can
	// share a proof for entry 41); the signature binds it, which the last check below shows.
	otherHash := cp
	otherHash.Hash[31] ^= 1
	for _, tc := range []struct {
		name string
		err  error
	}{
		{"entry", tlog.VerifyInclusion(cp, idx, append(entry, '!'), incl)},
		{"index", tlog.VerifyInclusion(cp, idx+1, entry, incl)},
		{"index beyond checkpoint", tlog.VerifyInclusion(cp, cp.Size, entry, incl)},
		{"proof hash", tlog.VerifyInclusion(cp, idx, entry, flip(incl, 2))},
		{"proof short", tlog.VerifyInclusion(cp, idx, entry, incl[:len(incl)-1])},
		{"proof long", tlog.VerifyInclusion(cp, idx, entry, append(incl, incl[0]))},
		{"checkpoint hash", tlog.VerifyInclusion(otherHash, idx, entry, incl)},
		{"consistency proof hash", tlog.VerifyConsistency(old, cp, flip(cons, 0))},
		{"consistency new hash", tlog.VerifyConsistency(old, otherHash, cons)},
		{"consistency reversed", tlog.VerifyConsistency(cp, old, cons)},
	} {
		if tc.err == nil {
			t.Errorf("%s tampered: got nil error, want failure", tc.name)
		}
	}
	if err := tlog.VerifyInclusion(cp, idx, entry, incl); err != nil {
		t.Errorf("untampered inclusion: got %v, want nil", err)
	}
	// The signed note itself: change the size digit and the signature no longer verifies.
	signed := bytes.Replace(cp.Signed, []byte("\n100\n"), []byte("\n101\n"), 1)
	if _, err := tlog.ParseCheckpoint(signed, v); !errors.Is(err, tlog.ErrBadSignature) {
		t.Errorf("ParseCheckpoint(edited size): got %v, want ErrBadSignature", err)
	}
}

// TestReopen closes and reopens the database: the log keeps its size, hashes and checkpoint and goes on.
func TestReopen(t *testing.T) {
	s, v := testKeys(t, testOrigin, "agency")
	path := filepath.Join(t.TempDir(), "tlog.db")
	db := openDB(t, path)
	l := openLog(t, db, s)
	old := appendN(t, l, v, "req", 123)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	l = openLog(t, openDB(t, path), s)
	if got := l.Size(); got != 123 {
		t.Fatalf("Size after reopen: got %d, want 123", got)
	}
	if !bytes.Equal(l.Checkpoint(), old.Signed) {
		t.Fatalf("Checkpoint after reopen: got %q, want %q", l.Checkpoint(), old.Signed)
	}
	cp := appendN(t, l, v, "req", 77)
	p, err := l.ConsistencyProof(old.Size, cp.Size)
	if err != nil {
		t.Fatal(err)
	}
	if err := tlog.VerifyConsistency(old, cp, p); err != nil {
		t.Fatalf("consistency across reopen: %v", err)
	}
	for _, i := range []int64{0, 122, 123, 199} {
		e, _ := l.Entry(i)
		p, err := l.InclusionProof(i, cp.Size)
		if err != nil {
			t.Fatal(err)
		}
		if err := tlog.VerifyInclusion(cp, i, e, p); err != nil {
			t.Errorf("entry %d after reopen: %v", i, err)
		}
	}
}

// TestReopenWrongKey refuses to continue a stored log under another origin or key.
func TestReopenWrongKey(t *testing.T) {
	s, v := testKeys(t, testOrigin, "agency")
	db := tempDB(t)
	appendN(t, openLog(t, db, s), v, "req", 3)

	otherKey, _ := testKeys(t, testOrigin, "someone else")
	if _, err := tlog.Open(db, logBucket, otherKey); err == nil {
		t.Errorf("Open with another key: got nil error, want refusal")
	}
	otherName, _ := testKeys(t, "porchlight.log/hood1/agency2", "agency")
	if _, err := tlog.Open(db, logBucket, otherName); !errors.Is(err, tlog.ErrWrongOrigin) {
		t.Errorf("Open with another origin: got %v, want ErrWrongOrigin", err)
	}
}

// failingSigner is a real signer that can be told to fail, to show Append is one transaction.
type failingSigner struct {
	tlogSigner
	fail bool
}

type tlogSigner interface {
	Name() string
	KeyHash() uint32
	Sign([]byte) ([]byte, error)
}

func (f *failingSigner) Sign(msg []byte) ([]byte, error) {
	if f.fail {
		return nil, errors.New("signing key unavailable")
	}
	return f.tlogSigner.Sign(msg)
}

func TestAppendIsAtomic(t *testing.T) {
	s, v := testKeys(t, testOrigin, "agency")
	path := filepath.Join(t.TempDir(), "tlog.db")
	db := openDB(t, path)
	fs := &failingSigner{tlogSigner: s}
	l := openLog(t, db, fs)
	before := appendN(t, l, v, "req", 10)

	fs.fail = true
	if _, _, err := l.Append([]byte("a"), []byte("b")); err == nil {
		t.Fatalf("Append with a failing signer: got nil error")
	}
	if got := l.Size(); got != 10 {
		t.Errorf("Size after failed Append: got %d, want 10", got)
	}
	if _, err := l.Entry(10); !errors.Is(err, tlog.ErrOutOfRange) {
		t.Errorf("Entry(10) after failed Append: got %v, want ErrOutOfRange", err)
	}
	db.Close()

	// The stored state is the one before the failed append: Open rechecks the tree hash against it.
	l = openLog(t, openDB(t, path), s)
	if got := l.Size(); got != 10 || !bytes.Equal(l.Checkpoint(), before.Signed) {
		t.Fatalf("after reopen: got size %d checkpoint %q, want 10 %q", got, l.Checkpoint(), before.Signed)
	}
	cp := appendN(t, l, v, "req", 1)
	e, _ := l.Entry(10)
	p, _ := l.InclusionProof(10, cp.Size)
	if err := tlog.VerifyInclusion(cp, 10, e, p); err != nil || string(e) != "req-10" {
		t.Errorf("entry 10 after recovery: got %q, %v, want req-10 verified", e, err)
	}
}

// AppendWith commits the caller's records with the entries, or neither: the agency's submission count
// must not be in the log without the submission, or the other way round.
func TestAppendWith(t *testing.T) {
	s, v := testKeys(t, testOrigin, "agency")
	db := tempDB(t)
	l := openLog(t, db, s)
	appendN(t, l, v, "req", 3)
	side := []byte("side")
	if err := db.Update(func(tx *bolt.Tx) error { _, err := tx.CreateBucket(side); return err }); err != nil {
		t.Fatal(err)
	}
	record := func(fail bool) func(tx *bolt.Tx, first int64) error {
		return func(tx *bolt.Tx, first int64) error {
			if err := tx.Bucket(side).Put([]byte("count"), []byte{byte(first)}); err != nil {
				return err
			}
			if fail {
				return errors.New("caller's record refused")
			}
			return nil
		}
	}
	if _, _, err := l.AppendWith(record(true), []byte("sub-1")); err == nil {
		t.Fatal("AppendWith with a failing record: got nil error")
	}
	var got []byte
	stored := func() {
		db.View(func(tx *bolt.Tx) error { got = bytes.Clone(tx.Bucket(side).Get([]byte("count"))); return nil })
	}
	if stored(); l.Size() != 3 || got != nil {
		t.Fatalf("after the failed AppendWith: size %d, record %v, want 3 and none", l.Size(), got)
	}
	first, _, err := l.AppendWith(record(false), []byte("sub-1"))
	if stored(); err != nil || first != 3 || l.Size() != 4 || !bytes.Equal(got, []byte{3}) {
		t.Fatalf("AppendWith: first %d, size %d, record %v, err %v; want 3, 4, [3], nil", first, l.Size(), got, err)
	}
}

func TestEmptyLogAndEntry(t *testing.T) {
	s, v := testKeys(t, testOrigin, "agency")
	l := openLog(t, tempDB(t), s)
	cp := parse(t, l.Checkpoint(), v)
	if cp.Size != 0 || l.Size() != 0 {
		t.Fatalf("new log: got size %d/%d, want 0", cp.Size, l.Size())
	}
	first, signed, err := l.Append([]byte{})
	if err != nil || first != 0 {
		t.Fatalf("Append(empty entry): got %d, %v, want 0, nil", first, err)
	}
	next := parse(t, signed, v)
	e, err := l.Entry(0)
	if err != nil || len(e) != 0 {
		t.Fatalf("Entry(0): got %q, %v, want empty", e, err)
	}
	p, _ := l.InclusionProof(0, 1)
	if err := tlog.VerifyInclusion(next, 0, nil, p); err != nil {
		t.Errorf("empty entry inclusion: %v", err)
	}
	if err := tlog.VerifyConsistency(cp, next, nil); err != nil {
		t.Errorf("consistency from the empty tree: %v", err)
	}
}

func TestOutOfRange(t *testing.T) {
	s, v := testKeys(t, testOrigin, "agency")
	l := openLog(t, tempDB(t), s)
	appendN(t, l, v, "req", 5)
	for _, tc := range []struct {
		name string
		err  error
	}{
		{"Entry(-1)", second(l.Entry(-1))},
		{"Entry(5)", second(l.Entry(5))},
		{"InclusionProof(5, 5)", second(l.InclusionProof(5, 5))},
		{"InclusionProof(0, 6)", second(l.InclusionProof(0, 6))},
		{"InclusionProof(-1, 3)", second(l.InclusionProof(-1, 3))},
		{"ConsistencyProof(4, 3)", second(l.ConsistencyProof(4, 3))},
		{"ConsistencyProof(-1, 3)", second(l.ConsistencyProof(-1, 3))},
		{"ConsistencyProof(3, 6)", second(l.ConsistencyProof(3, 6))},
	} {
		if !errors.Is(tc.err, tlog.ErrOutOfRange) {
			t.Errorf("%s: got %v, want ErrOutOfRange", tc.name, tc.err)
		}
	}
	if _, _, err := l.Append(); err == nil {
		t.Errorf("Append(): got nil error, want one")
	}
}

func second[T any](_ T, err error) error { return err }

// TestConcurrent appends from several goroutines while others prove and verify; run with -race.
func TestConcurrent(t *testing.T) {
	s, v := testKeys(t, testOrigin, "agency")
	l := openLog(t, tempDB(t), s)
	const writers, each = 6, 40
	var wg sync.WaitGroup
	errs := make(chan error, writers*each*2)
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				if _, _, err := l.Append(entryText(string(rune('a'+w)), int64(i))); err != nil {
					errs <- err
				}
			}
		})
		wg.Go(func() {
			for range each {
				cp, err := tlog.ParseCheckpoint(l.Checkpoint(), v)
				if err != nil || cp.Size == 0 {
					errs <- err
					continue
				}
				i := cp.Size - 1
				e, err1 := l.Entry(i)
				p, err2 := l.InclusionProof(i, cp.Size)
				if err := errors.Join(err1, err2, tlog.VerifyInclusion(cp, i, e, p)); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if got := l.Size(); got != writers*each {
		t.Fatalf("Size: got %d, want %d", got, writers*each)
	}
	seen := map[string]bool{}
	for i := range l.Size() {
		e, _ := l.Entry(i)
		if seen[string(e)] {
			t.Errorf("entry %q stored twice", e)
		}
		seen[string(e)] = true
	}
}
