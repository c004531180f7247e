package deliver

import (
	"os"
	"syscall"
)

// syncFileRangeWrite is SYNC_FILE_RANGE_WRITE: start writing back dirty pages, without waiting.
const syncFileRangeWrite = 2

// startWriteback asks the kernel to start writing [off, off+n) of f to disk now, so that the fsync at the
// end of a delivery finds little left to flush instead of the whole file. It is advice: errors are
// ignored, and the fsync is still what makes the data durable.
func startWriteback(f *os.File, off, n int64) {
	rc, err := f.SyscallConn()
	if err != nil {
		return
	}
	rc.Control(func(fd uintptr) {
		syscall.SyncFileRange(int(fd), off, n, syncFileRangeWrite)
	})
}
