//go:build !linux

package recorder

import "time"

// threadCPU has no per-thread clock to read here: detector CPU stays 0 (its wall time is still counted).
func threadCPU() (time.Duration, bool) { return 0, false }
