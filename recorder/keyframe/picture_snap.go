package keyframe

import (
	"context"
	"time"
)

// Snapshots from the running decoder. While the decoder runs, the stage keeps its latest pictures at the
// camera's size (heldFrames of them, dropped when the decoder stops idle) and notes which submitted
// keyframes have not come through yet. Snapshot of a keyframe the decoder holds, or will hold once its
// turn comes, encodes that picture in Go (picture.jpeg) and starts no ffmpeg; any other keyframe (the
// decoder is not running, or the keyframe was never submitted, was shed or failed) takes a one-shot ffmpeg.

// heldFrames is how many decoded pictures a stage keeps for snapshots: the latest, and the one before
// (the snapshot of an event may be asked after the next keyframe was decoded). 1.4 MB each at 720p.
const heldFrames = 2

// expect notes a keyframe submitted (d = 1) or taken back (d = -1) before Run saw it.
func (s *Stage) expect(t time.Time, d int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pendingAdd(t, d)
}

func (s *Stage) pendingAdd(t time.Time, d int) {
	if n := s.pending[t] + d; n > 0 {
		s.pending[t] = n
	} else {
		delete(s.pending, t)
	}
	close(s.change)
	s.change = make(chan struct{})
}

// through notes that Run is done with the keyframe at t, and keeps its picture (nil: it was not decoded).
func (s *Stage) through(t time.Time, pic *picture) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if pic != nil {
		copy(s.held[:], s.held[1:])
		s.held[len(s.held)-1] = pic
	}
	s.pendingAdd(t, -1)
}

// dropPictures lets the held pictures go.
func (s *Stage) dropPictures() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.held[:])
}

// awaitPicture returns the decoder's picture of the keyframe at t: at once when held, after its decode
// when it is still to come; nil when the decoder has not got it and will not (or ctx ends first).
func (s *Stage) awaitPicture(ctx context.Context, t time.Time) *picture {
	for {
		s.mu.Lock()
		for _, p := range s.held {
			if p != nil && p.Time.Equal(t) {
				s.mu.Unlock()
				return p
			}
		}
		waiting, change := s.pending[t] > 0, s.change
		s.mu.Unlock()
		if !waiting {
			return nil
		}
		select {
		case <-ctx.Done():
			return nil
		case <-change:
		}
	}
}
