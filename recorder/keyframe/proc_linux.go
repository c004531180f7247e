package keyframe

import (
	"bytes"
	"os"
	"strconv"
	"syscall"
	"time"
)

// childAttr makes the kernel kill ffmpeg when the recorder's thread that started it dies, so a crashed
// porchlight leaves no decoder behind.
func childAttr() *syscall.SysProcAttr { return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL} }

// fSetPipeSize is F_SETPIPE_SZ (linux/fcntl.h), which package syscall does not name.
const fSetPipeSize = 1031

// growPipe asks for a pipe buffer of n bytes (the kernel caps it at fs.pipe-max-size, 1 MiB by default)
// so that a picture (1.4 MB at 720p) crosses in a few writes rather than one per 64 KiB. Best effort.
func growPipe(f *os.File, n int) {
	if c, err := f.SyscallConn(); err == nil {
		_ = c.Control(func(fd uintptr) { _, _, _ = syscall.Syscall(syscall.SYS_FCNTL, fd, fSetPipeSize, uintptr(n)) })
	}
}

// clockTick is USER_HZ, the unit of utime and stime in /proc/PID/stat: 100 on every Linux port Go runs on.
const clockTick = 10 * time.Millisecond

// procCPU reads utime+stime of a running process from /proc/PID/stat.
func procCPU(pid int) (time.Duration, bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, false
	}
	// The command (field 2) may hold spaces; fields after it start past the last ')'.
	f := bytes.Fields(b[bytes.LastIndexByte(b, ')')+1:])
	if len(f) < 13 {
		return 0, false
	}
	ut, err1 := strconv.ParseUint(string(f[11]), 10, 64) // field 14
	st, err2 := strconv.ParseUint(string(f[12]), 10, 64) // field 15
	if err1 != nil || err2 != nil {
		return 0, false
	}
	return time.Duration(ut+st) * clockTick, true
}
