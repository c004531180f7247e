package recorder

import (
	"errors"
	"os"
	"path/filepath"
	"time"

	"github.com/porchlight/porchlight/recorder/export"
	"github.com/porchlight/porchlight/recorder/index"
)

// Spans lists the recorded spans of a camera stream that overlap [start, end), clipped to it. The open
// segment is included up to its last written part. It reads only the index.
func (r *Recorder) Spans(camera, stream string, start, end time.Time) ([]index.Span, error) {
	s, err := r.stream(camera, stream)
	if err != nil {
		return nil, err
	}
	spans, err := r.db.Spans(s.key, start, end)
	if err != nil {
		return nil, err
	}
	cur := s.writer.current()
	if cur == nil || len(cur.Parts) == 0 || !cur.End.After(start) || !cur.Start.Before(end) {
		return spans, nil
	}
	cs, ce := maxTime(cur.Start, start), minTime(cur.End, end)
	if n := len(spans); n > 0 && !cs.After(spans[n-1].End.Add(time.Second)) {
		if ce.After(spans[n-1].End) {
			spans[n-1].End = ce
		}
		return spans, nil
	}
	return append(spans, index.Span{Start: cs, End: ce}), nil
}

// segments returns the fully decoded segments of a stream overlapping [start, end), with the open segment
// as of its last written part.
func (r *Recorder) segments(s *stream, start, end time.Time) ([]*index.Segment, error) {
	var segs []*index.Segment
	err := r.db.Segments(s.key, start, end, func(seg *index.Segment) error {
		segs = append(segs, seg)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if cur := s.writer.current(); cur != nil && len(cur.Parts) > 0 && cur.End.After(start) && cur.Start.Before(end) {
		if n := len(segs); n > 0 && segs[n-1].ID == cur.ID {
			segs[n-1] = cur
		} else {
			segs = append(segs, cur)
		}
	}
	return segs, nil
}

// Clip is an export being served: an MP4 whose range retention keeps until Close.
type Clip struct {
	*export.Clip
	release func()
}

// Close closes the segment files and releases the retention hold.
func (c *Clip) Close() error {
	err := c.Clip.Close()
	c.release()
	return err
}

// Export plans an MP4 of [start, end) of a camera stream. The caller must Close the clip. The range is
// held from retention until then. A range longer than export.MaxRange is refused (ErrRangeTooLong)
// before anything is read.
func (r *Recorder) Export(camera, stream string, start, end time.Time) (*Clip, error) {
	s, err := r.stream(camera, stream)
	if err != nil {
		return nil, err
	}
	if err := export.CheckRange(start, end); err != nil {
		return nil, err
	}
	release := r.Hold(camera, start, end)
	segs, err := r.segments(s, start, end)
	if err != nil {
		release()
		return nil, err
	}
	dir := streamDir(r.cfg.DataDir, s.key)
	clip, err := export.New(segs, start, end, func(seg *index.Segment) (export.File, error) {
		return os.Open(filepath.Join(dir, seg.File))
	})
	if err != nil {
		release()
		if errors.Is(err, export.ErrNoFrames) {
			return nil, ErrNoRecording
		}
		return nil, err
	}
	return &Clip{Clip: clip, release: release}, nil
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
