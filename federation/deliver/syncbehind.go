package deliver

import "os"

// syncStep is how much a receiver writes between the fsyncs it runs behind the writing.
const syncStep = 16 << 20

// syncBehind makes a file durable behind its writer: each time another syncStep bytes are written, a
// goroutine fsyncs the file while the writing goes on, so the fsync before a receipt has at most a step
// or two left to flush instead of the whole clip. (Flushing is what costs on disks that cache writes,
// and it grows with what is dirty; sync_file_range starts writeback but flushes no device cache, and
// measured no gain here.) A failed fsync is kept and returned by stop: after a write-back error Linux
// may report success to a later fsync, so the error must not be dropped.
type syncBehind struct {
	f       *os.File
	written int64
	kick    chan struct{}
	done    chan struct{}
	err     error // the first failed fsync; read after done is closed
}

func newSyncBehind(f *os.File) *syncBehind {
	s := &syncBehind{f: f, kick: make(chan struct{}, 1), done: make(chan struct{})}
	go func() {
		defer close(s.done)
		for range s.kick {
			if err := s.f.Sync(); err != nil && s.err == nil {
				s.err = err
			}
		}
	}()
	return s
}

// wrote records that n more bytes were written; the goroutine is woken at each step (a wake-up that
// finds it busy is merged into the fsync it runs next).
func (s *syncBehind) wrote(n int64) {
	before := s.written
	s.written += n
	if s.written/syncStep > before/syncStep {
		select {
		case s.kick <- struct{}{}:
		default:
		}
	}
}

// stop waits for a running fsync and returns the first error any of them had.
func (s *syncBehind) stop() error {
	close(s.kick)
	<-s.done
	return s.err
}
