//go:build !linux

package keyframe

import (
	"os"
	"syscall"
	"time"
)

func childAttr() *syscall.SysProcAttr { return nil }

func growPipe(*os.File, int) {}

// procCPU has no /proc to read: a running decoder's CPU counts once it stops.
func procCPU(int) (time.Duration, bool) { return 0, false }
