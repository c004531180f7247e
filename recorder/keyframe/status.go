package keyframe

// Status is what the UI shows about a camera's keyframe stage.
type Status struct {
	// Available: ffmpeg was found. When false, Reason says so in plain words.
	Available bool
	Reason    string
	Running   bool // an ffmpeg is running now
	PID       int  // its process id, 0 when none
	// Counters since New.
	Decoded  uint64 // keyframes decoded and compared
	Shed     uint64 // keyframes not decoded: queue full, or ffmpeg restarting
	Failures uint64 // ffmpeg start failures, crashes and hangs
	Restarts uint64 // ffmpeg processes ended by a failure
	Dropped  uint64 // results the consumer did not take in time
	// Snapshots made from the running decoder's picture (no process started), and by a one-shot ffmpeg
	// (no decoder running, or it did not decode the keyframe; also after a failed encode).
	SnapshotsFromDecoder uint64
	SnapshotsOneShot     uint64
	// LastError is the latest failure, with what ffmpeg said on stderr (bounded).
	LastError string
}

// Status reports the stage's state; safe to call at any time.
func (s *Stage) Status() Status {
	s.mu.Lock()
	st := Status{Available: s.bin != "", PID: s.pid, LastError: s.lastErr}
	s.mu.Unlock()
	st.Running = st.PID != 0
	if !st.Available {
		st.Reason = ErrNoFFmpeg.Error()
	}
	st.Decoded, st.Shed, st.Failures = s.decoded.Load(), s.shed.Load(), s.failures.Load()
	st.Restarts, st.Dropped = s.restarts.Load(), s.dropped.Load()
	st.SnapshotsFromDecoder, st.SnapshotsOneShot = s.fromDecoderN.Load(), s.oneShots.Load()
	return st
}
