package keyframe

import (
	"os"
	"os/exec"
	"time"
)

// CPU accounting: what the stage costs, ffmpeg children included, for the recorder's metrics and the
// benchmark that sets it against the recording's own CPU. A finished child's utime+stime comes from its
// rusage when reaped; the running decoder's is read from /proc while it runs (Linux; elsewhere it counts
// only once the decoder stops).

// CPU is the stage's CPU time since New: the utime+stime of every ffmpeg it started (decoders and
// snapshots, the running one so far) and the Go time spent comparing frames. It never goes back.
func (s *Stage) CPU() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.pid != 0 {
		if live, ok := procCPU(s.pid); ok && live > s.liveCPU {
			s.liveCPU = live
		}
	}
	return time.Duration(s.cpu.Load()) + s.liveCPU
}

// childCPU is a reaped child's utime+stime; 0 when cmd did not run.
func childCPU(cmd *exec.Cmd) time.Duration {
	if cmd == nil || cmd.ProcessState == nil {
		return 0
	}
	return cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
}

// retire forgets the running decoder p (reaped) and adds its whole CPU time, under the lock that CPU
// reads it with, so the sum never steps back between the last /proc reading and the final rusage.
func (s *Stage) retire(p *proc) {
	s.mu.Lock()
	s.cpu.Add(int64(max(childCPU(p.cmd), s.liveCPU)))
	s.cur, s.pid, s.liveCPU = nil, 0, 0
	s.mu.Unlock()
}

// startedProc records p as the running decoder.
func (s *Stage) startedProc(p *os.Process) {
	s.mu.Lock()
	s.cur, s.pid, s.liveCPU = p, p.Pid, 0
	s.mu.Unlock()
}
