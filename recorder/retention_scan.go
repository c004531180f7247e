package recorder

import (
	"errors"
	"time"

	"github.com/porchlight/porchlight/recorder/index"
)

const (
	// oldestBatch is how many of each stream's oldest segments, and of its oldest continuous segments,
	// one retention pass considers.
	oldestBatch = 256
	// scanPages bounds how many pages of oldestBatch segments one pass reads looking for continuous
	// segments among event ones; the next pass goes on from where it stopped.
	scanPages = 16
	// rescanEvery is how often the search for continuous segments starts again from each stream's
	// oldest segment, so footage of an event deleted since becomes continuous footage again.
	rescanEvery = time.Hour
)

var errStop = errors.New("stop")

// retentionScan reads the candidates of a retention pass from the index. With events, a stream's oldest
// segments may be event segments kept for long (events_max_age) while continuous ones younger than them
// are due: besides the oldest segments it reads the oldest continuous ones, from a mark below which it
// found only event segments. The mark keeps a pass from reading the same event segments again; an event
// segment stays one (spans only grow), so only an event deleted from the store moves footage back,
// which the hourly rescan picks up. Its methods run under Recorder.retMu.
type retentionScan struct {
	db     *index.DB
	keeper eventKeeper // nil: no events
	held   func(camera string, start, end time.Time) bool
	from   map[string]uint64 // per stream key, the lowest ID that may be a deletable continuous segment
	since  time.Time         // when from was last cleared
}

// candidates returns a stream's candidates in ID order (its oldest deletable segments and, with
// events, its oldest deletable continuous ones, each marked), and whether it may have continuous
// segments beyond them. Segments from open on are never candidates.
func (sc *retentionScan) candidates(s *stream, open uint64) (cands []candidate, more bool, err error) {
	oldest, full, err := sc.read(s, 0, open, oldestBatch, nil)
	if err != nil || sc.keeper == nil {
		return oldest, full, err
	}
	if err := markEvents(sc.keeper, s.camera, oldest); err != nil {
		// Every segment counts as an event one; deletions for size and space go oldest first, as
		// without events, rather than not at all.
		return oldest, false, err
	}
	cont, more, err := sc.continuous(s, open)
	return mergeCandidates(oldest, cont), more, err
}

// read calls Summaries from ID from on and returns up to n candidates that are deletable (before open,
// not held), and whether it stopped at n. page, if not nil, is called with every n segments read,
// deletable or not, and stops the read when it returns false.
func (sc *retentionScan) read(s *stream, from, open uint64, n int, page func([]candidate) bool) ([]candidate, bool, error) {
	var out, buf []candidate
	full := false
	err := sc.db.SummariesFrom(s.key, from, func(seg *index.Segment) error {
		if seg.ID >= open {
			return errStop // every segment the muxer has started is off limits, and so are later ones
		}
		c := candidate{key: s.key, camera: s.camera, id: seg.ID, start: seg.Start, end: seg.End, size: seg.Size,
			file: seg.File}
		if page != nil {
			if buf = append(buf, c); len(buf) == n {
				ok := page(buf)
				buf = buf[:0]
				if !ok {
					return errStop
				}
			}
			return nil
		}
		if sc.held != nil && sc.held(c.camera, c.start, c.end) {
			return nil // not deletable: look further, so holds cannot starve retention
		}
		if out = append(out, c); len(out) >= n {
			full = true
			return errStop
		}
		return nil
	})
	if errors.Is(err, errStop) {
		err = nil
	}
	if page != nil && len(buf) > 0 && err == nil {
		page(buf)
	}
	return out, full, err
}

// continuous returns up to oldestBatch of a stream's oldest deletable continuous segments, from its
// mark on, and whether there may be more. It moves the mark past the event segments it finds before the
// first continuous one.
func (sc *retentionScan) continuous(s *stream, open uint64) (cont []candidate, more bool, err error) {
	pages := 0
	advancing := true
	var markErr error
	_, _, err = sc.read(s, sc.from[s.key], open, oldestBatch, func(page []candidate) bool {
		pages++
		if markErr = markEvents(sc.keeper, s.camera, page); markErr != nil {
			return false // the event flags are a guess: no mark moves on them
		}
		for _, c := range page {
			switch {
			case c.event:
				if advancing {
					sc.from[s.key] = c.id + 1
				}
			case sc.held != nil && sc.held(c.camera, c.start, c.end):
				advancing = false // deletable once released
			case len(cont) < oldestBatch:
				advancing = false
				cont = append(cont, c)
			default:
				more = true
			}
		}
		if len(cont) >= oldestBatch || pages >= scanPages {
			more = true
			return false
		}
		return true
	})
	return cont, more, errors.Join(err, markErr)
}

// begin starts a pass over streams: it forgets the marks of streams gone, and all of them once an hour.
func (sc *retentionScan) begin(streams []*stream, now time.Time) {
	if sc.from == nil || now.Sub(sc.since) >= rescanEvery || now.Before(sc.since) {
		sc.from, sc.since = map[string]uint64{}, now
		return
	}
	keep := make(map[string]uint64, len(streams))
	for _, s := range streams {
		if id, ok := sc.from[s.key]; ok {
			keep[s.key] = id
		}
	}
	sc.from = keep
}
