package tlog_test

import (
	"bytes"
	"errors"
	"path/filepath"
	"sync"
	"testing"

	bolt "go.etcd.io/bbolt"
	"golang.org/x/mod/sumdb/note"
	sumtlog "golang.org/x/mod/sumdb/tlog"

	"github.com/porchlight/porchlight/federation/tlog"
)

var witnessBucket = []byte("witness")

func newWitness(t *testing.T, db *bolt.DB) *tlog.Witness {
	t.Helper()
	w, err := tlog.NewWitness(db, witnessBucket)
	if err != nil {
		t.Fatalf("NewWitness: %v", err)
	}
	return w
}

// noFetch fails the test if the witness asks for a proof it should not need.
func noFetch(t *testing.T) tlog.ConsistencyFunc {
	return func(o, n int64) (sumtlog.TreeProof, error) {
		t.Errorf("witness asked for a consistency proof %d→%d, want no request", o, n)
		return nil, errors.New("unexpected")
	}
}

func TestWitnessFollowsHonestLog(t *testing.T) {
	s, v := testKeys(t, testOrigin, "agency")
	l := openLog(t, tempDB(t), s)
	w := newWitness(t, tempDB(t))
	if _, ok := w.Latest(testOrigin); ok {
		t.Fatalf("Latest on a new witness: got ok, want none")
	}
	cp5 := appendN(t, l, v, "req", 5)
	cp10 := appendN(t, l, v, "req", 5)
	cp20 := appendN(t, l, v, "req", 10)
	var asked [][2]int64
	fetch := func(o, n int64) (sumtlog.TreeProof, error) {
		asked = append(asked, [2]int64{o, n})
		return l.ConsistencyProof(o, n)
	}
	for _, step := range []struct {
		cp   tlog.Checkpoint
		want int64 // stored size afterwards
	}{{cp5, 5}, {cp20, 20}, {cp20, 20}, {cp10, 20}} {
		if err := w.Observe(step.cp, fetch); err != nil {
			t.Fatalf("Observe(size %d): %v", step.cp.Size, err)
		}
		got, ok := w.Latest(testOrigin)
		if !ok || got.Size != step.want {
			t.Fatalf("after Observe(size %d): Latest size %d (ok %v), want %d", step.cp.Size, got.Size, ok, step.want)
		}
	}
	if want := [][2]int64{{5, 20}, {10, 20}}; len(asked) != 2 || asked[0] != want[0] || asked[1] != want[1] {
		t.Errorf("proofs asked for: got %v, want %v", asked, want)
	}
	if forks, err := w.Forks(); err != nil || len(forks) != 0 {
		t.Errorf("Forks: got %v, %v, want none", forks, err)
	}
}

// forkedLogs returns two logs under one key that agree on their first 10 entries and then diverge,
// as an operator showing different homes different logs would keep.
func forkedLogs(t *testing.T) (a, b *tlog.Log, v note.Verifier) {
	s, v := testKeys(t, testOrigin, "agency")
	a, b = openLog(t, tempDB(t), s), openLog(t, tempDB(t), s)
	appendN(t, a, v, "req", 10)
	appendN(t, b, v, "req", 10)
	if !bytes.Equal(a.Checkpoint(), b.Checkpoint()) {
		t.Fatalf("logs differ before the fork")
	}
	return a, b, v
}

func TestWitnessCatchesFork(t *testing.T) {
	a, b, v := forkedLogs(t)
	cpA15 := appendN(t, a, v, "shown-to-A", 5)
	cpB20 := appendN(t, b, v, "shown-to-B", 10)

	path := filepath.Join(t.TempDir(), "home.db")
	db := openDB(t, path)
	w := newWitness(t, db)
	if err := w.Observe(cpA15, noFetch(t)); err != nil {
		t.Fatal(err)
	}
	// The operator answers with log B's proof: it cannot prove B@20 extends A@15.
	err := w.Observe(cpB20, b.ConsistencyProof)
	var fork *tlog.ForkError
	if !errors.As(err, &fork) {
		t.Fatalf("Observe(B@20 after A@15): got %v, want *ForkError", err)
	}
	if fork.Origin != testOrigin || !bytes.Equal(fork.Held, cpA15.Signed) || !bytes.Equal(fork.Seen, cpB20.Signed) {
		t.Fatalf("ForkError: got origin %q held %q seen %q, want both checkpoints", fork.Origin, fork.Held, fork.Seen)
	}
	if got, _ := w.Latest(testOrigin); got.Size != 15 {
		t.Errorf("Latest after fork: size %d, want 15 (kept)", got.Size)
	}
	// The evidence convinces a third party, whichever log it asks for the proof.
	appendN(t, a, v, "shown-to-A", 5) // A grows to 20 too
	for name, l := range map[string]*tlog.Log{"A": a, "B": b} {
		if err := tlog.VerifyFork(fork.Held, fork.Seen, v, l.ConsistencyProof); err != nil {
			t.Errorf("VerifyFork with log %s's proofs: got %v, want nil", name, err)
		}
	}
	// Seen again: still one record; and it survives a restart.
	if err := w.Observe(cpB20, b.ConsistencyProof); !errors.As(err, &fork) {
		t.Fatalf("second Observe: got %v, want *ForkError", err)
	}
	db.Close()
	forks, err := newWitness(t, openDB(t, path)).Forks()
	if err != nil || len(forks) != 1 {
		t.Fatalf("Forks after reopen: got %d, %v, want 1", len(forks), err)
	}
	if !bytes.Equal(forks[0].Held, cpA15.Signed) || !bytes.Equal(forks[0].Seen, cpB20.Signed) {
		t.Errorf("persisted fork: got held %q seen %q, want the two checkpoints", forks[0].Held, forks[0].Seen)
	}
}

func TestWitnessForkSameSize(t *testing.T) {
	a, b, v := forkedLogs(t)
	cpA := appendN(t, a, v, "shown-to-A", 5)
	cpB := appendN(t, b, v, "shown-to-B", 5)
	w := newWitness(t, tempDB(t))
	if err := w.Observe(cpA, noFetch(t)); err != nil {
		t.Fatal(err)
	}
	var fork *tlog.ForkError
	if err := w.Observe(cpB, noFetch(t)); !errors.As(err, &fork) {
		t.Fatalf("Observe(same size, other hash): got %v, want *ForkError", err)
	}
	// Equal sizes are self-contained evidence: no proof needed to check them.
	if err := tlog.VerifyFork(fork.Held, fork.Seen, v, nil); err != nil {
		t.Errorf("VerifyFork(same size): got %v, want nil", err)
	}
}

func TestWitnessForkOlderCheckpoint(t *testing.T) {
	a, b, v := forkedLogs(t)
	cpA12 := appendN(t, a, v, "shown-to-A", 2)
	cpB20 := appendN(t, b, v, "shown-to-B", 10)
	w := newWitness(t, tempDB(t))
	if err := w.Observe(cpB20, noFetch(t)); err != nil {
		t.Fatal(err)
	}
	// A smaller checkpoint must be a prefix of the stored one; A@12 is not a prefix of B@20.
	var fork *tlog.ForkError
	if err := w.Observe(cpA12, b.ConsistencyProof); !errors.As(err, &fork) {
		t.Fatalf("Observe(A@12 after B@20): got %v, want *ForkError", err)
	}
	if !bytes.Equal(fork.Held, cpB20.Signed) || !bytes.Equal(fork.Seen, cpA12.Signed) {
		t.Errorf("ForkError: held/seen are not B@20/A@12")
	}
}

func TestWitnessFetchError(t *testing.T) {
	s, v := testKeys(t, testOrigin, "agency")
	l := openLog(t, tempDB(t), s)
	cp1 := appendN(t, l, v, "req", 3)
	cp2 := appendN(t, l, v, "req", 3)
	w := newWitness(t, tempDB(t))
	if err := w.Observe(cp1, nil); err != nil {
		t.Fatal(err)
	}
	offline := errors.New("operator unreachable")
	err := w.Observe(cp2, func(int64, int64) (sumtlog.TreeProof, error) { return nil, offline })
	var fork *tlog.ForkError
	if !errors.Is(err, offline) || errors.As(err, &fork) {
		t.Fatalf("Observe with a failing fetch: got %v, want the fetch error and no fork", err)
	}
	if got, _ := w.Latest(testOrigin); got.Size != 3 {
		t.Errorf("Latest: size %d, want 3", got.Size)
	}
	if err := tlog.VerifyFork(cp1.Signed, cp2.Signed, v, l.ConsistencyProof); !errors.Is(err, tlog.ErrNotFork) {
		t.Errorf("VerifyFork(consistent pair): got %v, want ErrNotFork", err)
	}
}

func TestWitnessRejectsMismatchedFields(t *testing.T) {
	s, v := testKeys(t, testOrigin, "agency")
	cp := appendN(t, openLog(t, tempDB(t), s), v, "req", 3)
	cp.Size = 4
	if err := newWitness(t, tempDB(t)).Observe(cp, nil); err == nil {
		t.Fatalf("Observe(fields not matching the note): got nil error")
	}
}

// TestWitnessConcurrent observes a growing log from many goroutines; the newest checkpoint wins.
func TestWitnessConcurrent(t *testing.T) {
	s, v := testKeys(t, testOrigin, "agency")
	l := openLog(t, tempDB(t), s)
	var cps []tlog.Checkpoint
	for range 20 {
		cps = append(cps, appendN(t, l, v, "req", 3))
	}
	w := newWitness(t, tempDB(t))
	var wg sync.WaitGroup
	for i := range cps {
		wg.Go(func() {
			cp := cps[len(cps)-1-i]
			if err := w.Observe(cp, l.ConsistencyProof); err != nil {
				t.Errorf("Observe(size %d): %v", cp.Size, err)
			}
		})
	}
	wg.Wait()
	if got, _ := w.Latest(testOrigin); got.Size != 60 {
		t.Errorf("Latest: size %d, want 60", got.Size)
	}
}

// A log that keeps signing conflicting trees is reported every time, but its evidence is kept only up to
// MaxForksPerOrigin pairs.
func TestWitnessBoundsForkEvidence(t *testing.T) {
	a, b, v := forkedLogs(t)
	cpA := appendN(t, a, v, "shown-to-A", 5)
	w := newWitness(t, openDB(t, filepath.Join(t.TempDir(), "home.db")))
	if err := w.Observe(cpA, noFetch(t)); err != nil {
		t.Fatal(err)
	}
	for i := range 2 * tlog.MaxForksPerOrigin {
		cpB := appendN(t, b, v, "shown-to-B", 6)
		var fork *tlog.ForkError
		if err := w.Observe(cpB, b.ConsistencyProof); !errors.As(err, &fork) {
			t.Fatalf("Observe of conflicting tree %d: got %v, want *ForkError", i, err)
		}
	}
	forks, err := w.Forks()
	if err != nil || len(forks) != tlog.MaxForksPerOrigin {
		t.Fatalf("Forks: got %d, %v, want %d", len(forks), err, tlog.MaxForksPerOrigin)
	}
}
