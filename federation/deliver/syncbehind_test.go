package deliver

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// The fsync behind the writer runs once a step is written, and its failure is kept for stop: a closed
// file makes every fsync fail, so an error from stop shows that one ran.
func TestSyncBehindSteps(t *testing.T) {
	for _, tc := range []struct {
		name  string
		wrote []int64
		fails bool
	}{
		{"under a step", []int64{syncStep / 2, syncStep/2 - 1}, false},
		{"a step crossed", []int64{syncStep / 2, syncStep / 2}, true},
		{"many steps", []int64{3 * syncStep, 1, syncStep}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := os.Create(filepath.Join(t.TempDir(), "part"))
			if err != nil {
				t.Fatal(err)
			}
			s := newSyncBehind(f)
			f.Close()
			for _, n := range tc.wrote {
				s.wrote(n)
			}
			err = s.stop()
			if got := err != nil; got != tc.fails {
				t.Fatalf("stop: %v, want an error: %v", err, tc.fails)
			}
			if tc.fails && !errors.Is(err, os.ErrClosed) {
				t.Fatalf("stop: %v, want the fsync's error (file already closed)", err)
			}
		})
	}
}
