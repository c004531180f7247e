package recorder_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// procSample is what /proc says about a set of processes at one moment: CPU time (utime+stime of every
// thread, from /proc/PID/stat), resident memory (VmRSS) and context switches (summed over
// /proc/PID/task/*/status, since /proc/PID/status counts only the main thread).
type procSample struct {
	cpu    time.Duration
	rss    int64
	volCS  uint64
	nvolCS uint64
}

// clockTick is USER_HZ, the unit of utime and stime in /proc/PID/stat; 100 on every Linux port Go runs on.
const clockTick = 10 * time.Millisecond

// sampleProcs sums procSample over pids. A process that has exited fails the sample: a benchmark whose
// peer died measures nothing.
func sampleProcs(pids ...int) (procSample, error) {
	var s procSample
	for _, pid := range pids {
		stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			return s, fmt.Errorf("sample pid %d: %w", pid, err)
		}
		// The command name (field 2) may hold spaces; the fields after it start past the last ')'.
		f := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
		if len(f) < 13 {
			return s, fmt.Errorf("sample pid %d: short stat %q", pid, stat)
		}
		ut, _ := strconv.ParseUint(f[11], 10, 64) // field 14
		st, _ := strconv.ParseUint(f[12], 10, 64) // field 15
		s.cpu += time.Duration(ut+st) * clockTick
		status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
		if err != nil {
			return s, fmt.Errorf("sample pid %d: %w", pid, err)
		}
		s.rss += statusField(status, "VmRSS:") << 10
		tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/status", pid))
		for _, t := range tasks {
			b, err := os.ReadFile(t)
			if err != nil {
				continue // a thread that ended between the glob and the read
			}
			s.volCS += uint64(statusField(b, "voluntary_ctxt_switches:"))
			s.nvolCS += uint64(statusField(b, "nonvoluntary_ctxt_switches:"))
		}
	}
	return s, nil
}

// statusField returns the number after key in a /proc status file (kB for memory fields), or 0.
func statusField(status []byte, key string) int64 {
	for line := range strings.SplitSeq(string(status), "\n") {
		if v, ok := strings.CutPrefix(line, key); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return n
		}
	}
	return 0
}

// sub returns the change from s0 to s in the counters; rss stays the later value.
func (s procSample) sub(s0 procSample) procSample {
	return procSample{cpu: s.cpu - s0.cpu, rss: s.rss, volCS: s.volCS - s0.volCS, nvolCS: s.nvolCS - s0.nvolCS}
}
