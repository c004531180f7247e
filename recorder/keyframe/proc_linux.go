package keyframe

import "syscall"

// childAttr makes the kernel kill ffmpeg when the recorder's thread that started it dies, so a crashed
// porchlight leaves no decoder behind.
func childAttr() *syscall.SysProcAttr { return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL} }
