package recorder

import (
	"errors"
	"log/slog"
	"os"
	"syscall"
	"testing"
)

// TestWriteReturnsTruncateError: a write cut short (here by ENOSPC) whose undo fails leaves a torn tail;
// write must report the failed truncate and must not ask retention for room and write after the tear.
// /dev/full answers every write with ENOSPC and cannot be truncated (EINVAL).
func TestWriteReturnsTruncateError(t *testing.T) {
	f, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	if err != nil {
		t.Skipf("no /dev/full: %v", err)
	}
	defer f.Close()
	asked := 0
	w := &segWriter{f: f, log: slog.New(slog.DiscardHandler), stats: &streamStats{},
		makeRoom: func(int64) bool { asked++; return true }}
	_, err = w.write([][]byte{make([]byte, 4096)})
	if !errors.Is(err, syscall.ENOSPC) || !errors.Is(err, syscall.EINVAL) {
		t.Fatalf("write: got %v, want the ENOSPC of the write and the EINVAL of the truncate", err)
	}
	if asked != 0 {
		t.Errorf("retention asked for room %d times after a write that could not be undone, want 0", asked)
	}
}
