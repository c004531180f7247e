package federation

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// An unfinished delivery is kept for a resume for a week, then swept; one still being written stays.
func TestSweepPartials(t *testing.T) {
	n := testNode(t, "agency", func(c *Config) { c.Role = "agency" })
	dir := filepath.Join(n.cfg.DataDir, submissionsDir)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	old, fresh := filepath.Join(dir, "aa.part"), filepath.Join(dir, "bb.part")
	for _, p := range []string{old, fresh} {
		if err := os.WriteFile(p, []byte("partial"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	stale := time.Now().Add(-partialLife - time.Hour)
	if err := os.Chtimes(old, stale, stale); err != nil {
		t.Fatal(err)
	}
	n.sweepPartials()
	if _, err := os.Stat(old); !os.IsNotExist(err) {
		t.Errorf("a week-old partial delivery is still there (%v)", err)
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Errorf("a fresh partial delivery was removed: %v", err)
	}
}
