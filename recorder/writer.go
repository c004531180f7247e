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

	queue *diskQueue

	mu       sync.Mutex
	cur      *index.Segment // record of the open segment; appended to under mu
	durs     []uint64       // per track, sum of frame durations of cur
	f        *os.File
	lastSync time.Time
	unsynced bool
}

// run writes queued items until ctx is done and the queue is drained.
func (w *segWriter) run(ctx context.Context, q *diskQueue) {
	w.queue = q
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
	f, err := w.create(rec.File)
	if err != nil {
		w.fail(err)
		w.broken()
		return
	}
	w.f = f
	if _, err := w.write([][]byte{init}); err != nil {
		w.fail(err)
		_ = f.Close()
		_ = os.Remove(f.Name())
		w.f = nil
		w.broken()
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
		w.stats.droppedFrames(countFrames(it.parts))
		return
	}
	start := w.now()
	if _, err := w.write(it.bufs); err != nil {
		// A segment cannot hold a hole: end it here; the muxer starts a new one at the next keyframe,
		// and the parts until then are dropped (and counted).
		w.fail(err)
		w.stats.droppedFrames(countFrames(it.parts))
		w.closeSegment()
		w.broken()
		return
	}
	w.stats.wrote(it.size, w.now().Sub(start))
	w.mu.Lock()
	rec := w.cur
	for _, pm := range it.parts {
		p := index.Part{Offset: rec.Size, MoofSize: pm.moofSize, Counts: make([]uint32, len(rec.Tracks))}
		for i := range rec.Tracks {
			t := &rec.Tracks[i]
			if len(t.Frames) == 0 && len(pm.frames[i]) > 0 {
				t.Start = pm.bases[i]
			}
			t.Frames = append(t.Frames, pm.frames[i]...)
			p.Counts[i] = uint32(len(pm.frames[i]))
			for _, f := range pm.frames[i] {
				w.durs[i] += uint64(f.Duration)
			}
			if e := rec.Start.Add(index.TicksToDuration(t.Start+w.durs[i], t.TimeScale)); e.After(rec.End) {
				rec.End = e
			}
		}
		rec.Parts = append(rec.Parts, p)
		rec.Size += int64(pm.size)
	}
	w.mu.Unlock()
	w.unsynced = true
	if w.fsyncEvery <= 0 || w.now().Sub(w.lastSync) >= w.fsyncEvery {
		w.sync()
	}
}

// write appends bufs with one writev. A write cut short by a full disk is undone, retention is asked for
// room, and the write is tried again. When the cut-short write cannot be undone the file's tail is torn:
// write returns both errors and does not try again, so nothing is appended after the torn bytes (the
// index never points at them, and recovery cuts them at the next start).
func (w *segWriter) write(bufs [][]byte) (int64, error) {
	for attempt := 0; ; attempt++ {
		fi, err := w.f.Stat()
		if err != nil {
			return 0, err
		}
		n, err := writev(w.f, bufs)
		if err == nil {
			return n, nil
		}
		if terr := w.f.Truncate(fi.Size()); terr != nil {
			return 0, fmt.Errorf("write %s: %w; undoing the partial write: %w", w.f.Name(), err, terr)
		}
		if w.roomFor(err, n, attempt) {
			continue
		}
		return 0, fmt.Errorf("write %s: %w", w.f.Name(), err)
	}
}

// create makes a new segment file, asking retention for room when the disk is full.
func (w *segWriter) create(name string) (*os.File, error) {
	for attempt := 0; ; attempt++ {
		err := os.MkdirAll(w.dir, 0o750)
		if err == nil {
			var f *os.File
			f, err = os.OpenFile(filepath.Join(w.dir, name), os.O_CREATE|os.O_EXCL|os.O_WRONLY|os.O_APPEND, 0o640)
			if err == nil {
				return f, nil
			}
		}
		if !w.roomFor(err, 1<<20, attempt) {
			return nil, err
		}
	}
}

// roomFor reports whether err is a full disk and retention freed room for another attempt.
func (w *segWriter) roomFor(err error, need int64, attempt int) bool {
	return errors.Is(err, syscall.ENOSPC) && attempt < 5 && w.makeRoom != nil && w.makeRoom(need)
}

// broken tells the muxer the open segment is gone.
func (w *segWriter) broken() {
	if w.queue != nil {
		w.queue.broken.Store(true)
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
	if cur := w.current(); cur != nil && len(cur.Parts) == 0 {
		// Nothing but an init (its first part was dropped): no footage, so no file and no row.
		_ = w.f.Close()
		_ = os.Remove(w.f.Name())
		w.f = nil
		w.mu.Lock()
		w.cur = nil
		w.mu.Unlock()
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
	w.stats.diskError(err)
}

func countFrames(parts []partMeta) int {
	n := 0
	for _, p := range parts {
		for _, f := range p.frames {
			n += len(f)
		}
	}
	return n
}
