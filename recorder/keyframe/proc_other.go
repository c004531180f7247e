//go:build !linux

package keyframe

import "syscall"

func childAttr() *syscall.SysProcAttr { return nil }
