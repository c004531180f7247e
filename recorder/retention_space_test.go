package recorder

import (
	"log/slog"
	"strings"
	"testing"
	"time"
)

// TestSpaceBudgetCredit: the credit for deletions for free space is what recording handed its writers
// since the disk was last fine; a long fine stretch does not build it up, a short one keeps a debt.
func TestSpaceBudgetCredit(t *testing.T) {
	st := &streamStats{}
	streams := []*stream{{key: "a/main", stats: st}}
	var b spaceBudget
	b.accrue(streams, true, true)
	for range 100 { // a day of fine passes
		st.part(1000)
		b.accrue(streams, true, true)
	}
	if b.credit != 1000 {
		t.Fatalf("credit after fine passes: got %d, want the last interval's 1000", b.credit)
	}
	st.part(1000)
	b.accrue(streams, true, false) // the disk is short: the credit grows with recording
	st.part(500)
	b.accrue(streams, false, false) // a write failed on a full disk
	if b.credit != 2500 {
		t.Fatalf("credit while the disk is short: got %d, want 2500", b.credit)
	}
	b.credit -= 4000 // a segment deleted
	st.part(1000)
	b.accrue(streams, true, true) // fine, but a write failed since the last periodic pass
	if b.credit != -500 {
		t.Fatalf("credit after a deletion larger than it: got %d, want the debt -500 kept", b.credit)
	}
	st.part(1000)
	b.accrue(streams, true, true)
	if b.credit != 500 {
		t.Fatalf("credit after the debt was paid: got %d, want 500", b.credit)
	}
}

// TestSpaceBudgetWarning: a shortfall becomes a warning once it lasts a retention interval, and ends
// when a pass is not short.
func TestSpaceBudgetWarning(t *testing.T) {
	var b spaceBudget
	log := slog.New(slog.DiscardHandler)
	t0 := time.Unix(1_800_000_000, 0)
	facts := diskFacts{free: 0, total: 8 << 20, minFree: 1 << 20, footage: 2 << 20, keep: 10 * time.Minute}
	b.observe(true, true, t0, 10*time.Second, facts, log)
	if b.Warning() != "" {
		t.Fatal("warning after one short pass, want it only once the shortfall lasts")
	}
	b.observe(true, true, t0.Add(10*time.Second), 10*time.Second, facts, log)
	want := "0 B free (min_free 1.0 MiB); footage 2.0 MiB, other files 6.0 MiB"
	if w := b.Warning(); !strings.Contains(w, want) || !strings.Contains(w, "newest 10m0s") {
		t.Fatalf("warning: got %q, want it to say %q and the floor", w, want)
	}
	b.observe(false, true, t0.Add(11*time.Second), 10*time.Second, facts, log)
	if b.Warning() != "" {
		t.Fatal("warning kept after a pass that was not short")
	}
}

// TestSpaceBudgetWarningWithoutMinFree: without min_free a periodic pass sees no shortfall of its own;
// writes that keep failing for lack of space, with retention unable to help, still raise the warning.
func TestSpaceBudgetWarningWithoutMinFree(t *testing.T) {
	var b spaceBudget
	log := slog.New(slog.DiscardHandler)
	t0 := time.Unix(1_800_000_000, 0)
	facts := diskFacts{free: 0, total: 8 << 20, footage: 2 << 20}
	for i := range 3 {
		at := t0.Add(time.Duration(i) * 10 * time.Second)
		b.accrue(nil, false, true)                             // a write failed on a full disk ...
		b.observe(true, false, at, 10*time.Second, facts, log) // ... and nothing could be freed
		b.accrue(nil, true, true)
		b.observe(false, true, at.Add(time.Second), 10*time.Second, facts, log)
	}
	if b.Warning() == "" {
		t.Fatal("no warning while writes kept failing for lack of space")
	}
	b.accrue(nil, true, true) // a quiet interval: no write failed
	b.observe(false, true, t0.Add(time.Minute), 10*time.Second, facts, log)
	if b.Warning() != "" {
		t.Fatal("warning kept once writes stopped failing")
	}
}
