package recorder

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/porchlight/porchlight/recorder/index"
)

// segWriter is the disk side of one stream: it creates segment files, appends each part with one write,
// fsyncs by policy and then updates the index. It is the only writer of the stream's files.
type segWriter struct {
	stream     string
	dir        string
	db         *index.DB
	fsyncEvery time.Duration
	now        func() time.Time
	// makeRoom asks retention to free at least need bytes now; it reports whether anything was freed.
	makeRoom func(need int64) bool
	log      *slog.Logger
	stats    *streamStats

	mu       sync.Mutex
	cur      *index.Segment // record of the open segment; appended to under mu
	durs     []uint64       // per track, sum of frame durations of cur
	f        *os.File
	lastSync time.Time
	unsynced bool
}

// run writes queued items until ctx is done and the queue is drained.
func (w *segWriter) run(ctx context.Context, q *diskQueue) {
	defer w.closeSegment()
	for {
		it, ok := q.pop(ctx)
		if !ok {
			return
		}
		switch {
		case it.start != nil:
			w.closeSegment()
			w.openSegment(it.start, it.data)
		case it.end:
			w.closeSegment()
		default:
			w.writePart(it)
		}
	}
}

func (w *segWriter) openSegment(rec *index.Segment, init []byte) {
	if err := os.MkdirAll(w.dir, 0o750); err != nil {
		w.fail(err)
		return
	}
	f, err := os.OpenFile(filepath.Join(w.dir, rec.File), os.O_CREATE|os.O_EXCL|os.O_WRONLY|os.O_APPEND, 0o640)
	if err != nil {
		w.fail(err)
		return
	}
	w.f = f
	if err := w.write([][]byte{init}); err != nil {
		w.fail(err)
		_ = f.Close()
		_ = os.Remove(f.Name())
		w.f = nil
		return
	}
	w.mu.Lock()
	w.cur = rec
	w.durs = make([]uint64, len(rec.Tracks))
	w.mu.Unlock()
	w.lastSync = w.now()
}

func (w *segWriter) writePart(it queueItem) {
	if w.f == nil {
		w.stats.droppedFrames(countFrames(it.frames))
		return
	}
	start := w.now()
	if err := w.write(it.bufs); err != nil {
		w.fail(err)
		w.stats.droppedFrames(countFrames(it.frames))
		return
	}
	w.stats.wrote(it.size, w.now().Sub(start))
	w.mu.Lock()
	rec := w.cur
	p := index.Part{Offset: rec.Size, MoofSize: it.moofSize, Counts: make([]uint32, len(rec.Tracks))}
	for i := range rec.Tracks {
		t := &rec.Tracks[i]
		if len(t.Frames) == 0 {
			t.Start = it.bases[i]
		}
		t.Frames = append(t.Frames, it.frames[i]...)
		p.Counts[i] = uint32(len(it.frames[i]))
		for _, f := range it.frames[i] {
			w.durs[i] += uint64(f.Duration)
		}
		if e := rec.Start.Add(index.TicksToDuration(t.Start+w.durs[i], t.TimeScale)); e.After(rec.End) {
			rec.End = e
		}
	}
	rec.Parts = append(rec.Parts, p)
	rec.Size += int64(it.size)
	w.mu.Unlock()
	w.unsynced = true
	if w.fsyncEvery <= 0 || w.now().Sub(w.lastSync) >= w.fsyncEvery {
		w.sync()
	}
}

// write appends bufs with one writev. A write cut short by a full disk is undone, retention is asked for
// room, and the write is tried again.
func (w *segWriter) write(bufs [][]byte) error {
	for attempt := 0; ; attempt++ {
		fi, err := w.f.Stat()
		if err != nil {
			return err
		}
		n, err := writev(w.f, bufs)
		if err == nil {
			return nil
		}
		_ = w.f.Truncate(fi.Size())
		if errors.Is(err, syscall.ENOSPC) && attempt < 5 && w.makeRoom != nil && w.makeRoom(n) {
			continue
		}
		return fmt.Errorf("write %s: %w", w.f.Name(), err)
	}
}

// sync makes the written parts durable, then records them in the index: data first, then the index entry.
func (w *segWriter) sync() {
	if w.f == nil || !w.unsynced {
		return
	}
	if err := w.f.Sync(); err != nil {
		w.fail(err)
		return
	}
	w.lastSync, w.unsynced = w.now(), false
	if err := w.db.Put(w.stream, w.current()); err != nil {
		w.fail(fmt.Errorf("index: %w", err))
	}
}

func (w *segWriter) closeSegment() {
	if w.f == nil {
		return
	}
	w.unsynced = true
	w.sync()
	if err := w.f.Close(); err != nil {
		w.fail(err)
	}
	w.f = nil
	w.mu.Lock()
	w.cur = nil
	w.mu.Unlock()
}

// current returns a snapshot of the open segment's record, or nil. Frames and parts are only ever
// appended, so the snapshot shares their arrays safely.
func (w *segWriter) current() *index.Segment {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.cur == nil {
		return nil
	}
	s := *w.cur
	s.Tracks = append([]index.Track(nil), w.cur.Tracks...)
	for i := range s.Tracks {
		s.Tracks[i].Frames = s.Tracks[i].Frames[:len(s.Tracks[i].Frames):len(s.Tracks[i].Frames)]
	}
	s.Parts = s.Parts[:len(s.Parts):len(s.Parts)]
	return &s
}

func (w *segWriter) fail(err error) {
	w.log.Warn("disk write failed", "err", err)
	w.stats.setError(err)
}

func countFrames(ff [][]index.Frame) int {
	n := 0
	for _, f := range ff {
		n += len(f)
	}
	return n
}
