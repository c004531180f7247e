package tlog_test

import (
	"testing"

	"github.com/porchlight/porchlight/federation/tlog"
)

// TreeHash over fetched entries agrees with the checkpoint the log signed, and any change to an entry or
// to their number changes it.
func TestTreeHashMatchesTheLog(t *testing.T) {
	s, v := testKeys(t, "porchlight.log/mirror", "mirror")
	l := openLog(t, tempDB(t), s)
	cp := appendN(t, l, v, "e", 37)
	var entries [][]byte
	for i := range int64(37) {
		entries = append(entries, entryText("e", i))
	}
	got, err := tlog.TreeHash(entries)
	if err != nil || got != cp.Hash {
		t.Fatalf("TreeHash = %v (%v), want the checkpoint's %v", got, err, cp.Hash)
	}
	entries[5] = []byte("rewritten")
	if h, _ := tlog.TreeHash(entries); h == cp.Hash {
		t.Fatal("a rewritten entry gives the same root")
	}
	if h, _ := tlog.TreeHash(entries[:36]); h == cp.Hash {
		t.Fatal("a shorter log gives the same root")
	}
}
