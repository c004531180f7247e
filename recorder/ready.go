package recorder

import "errors"

// ErrNotRunning: the recorder is not recording (Run has not started the cameras yet, or is stopping).
var ErrNotRunning = errors.New("recorder not running")

// Ready reports whether the recorder is recording: Run has recovered the index and started the cameras
// and is not stopping, and the index answers a read. nil means ready.
func (r *Recorder) Ready() error {
	r.mu.Lock()
	running := r.runCtx != nil && r.runCtx.Err() == nil
	r.mu.Unlock()
	if !running {
		return ErrNotRunning
	}
	return r.db.Ping()
}
