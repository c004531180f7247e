package recorder

import (
	"os"

	"golang.org/x/sys/unix"
)

// writev writes bufs to f with as few writev calls as the kernel allows (one, for a part). It returns the
// bytes the buffers hold.
func writev(f *os.File, bufs [][]byte) (int64, error) {
	var total int64
	for _, b := range bufs {
		total += int64(len(b))
	}
	rc, err := f.SyscallConn()
	if err != nil {
		return total, err
	}
	var werr error
	err = rc.Write(func(fd uintptr) bool {
		rest := bufs
		for len(rest) > 0 {
			iov := rest[:min(len(rest), 1024)] // IOV_MAX
			n, err := unix.Writev(int(fd), iov)
			if err == unix.EINTR {
				continue
			}
			if err != nil {
				werr = err
				return true
			}
			rest = advance(rest, n)
		}
		return true
	})
	if err == nil {
		err = werr
	}
	return total, err
}

// advance drops the first n bytes from bufs without modifying the caller's slices.
func advance(bufs [][]byte, n int) [][]byte {
	for len(bufs) > 0 && n >= len(bufs[0]) {
		n -= len(bufs[0])
		bufs = bufs[1:]
	}
	if n > 0 {
		bufs = append([][]byte{bufs[0][n:]}, bufs[1:]...)
	}
	return bufs
}
