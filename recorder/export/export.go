// Package export turns recorded fragmented-MP4 segments into one progressive MP4 (ftyp, moov, mdat) for a
// wall-clock range, without decoding or re-encoding anything.
//
// The moov is planned from the bbolt index alone (plus the few hundred bytes of each segment's init, for the
// codec configuration), so the size, the ETag and the first bytes of a clip are known before any sample is
// read. The mdat is the needed byte ranges of the segment files in order; they are read on demand with
// ReadAt, so the memory a Clip holds for sample data does not grow with its length. Its header does (it
// lists every sample: about 1 MB per hour of video with audio), so a clip spans at most MaxRange. A Clip
// is an io.ReadSeeker, which lets http.ServeContent answer Range and conditional requests.
//
// Timing: every frame keeps its true wall time. Video starts at the last keyframe at or before the start
// and an edit list makes playback begin at the start; audio starts at the frame covering the start with its
// own edit offset. Where recording stopped between segments, the last sample of each track before the gap
// is stretched to the next one, so media time equals wall time over the whole clip.
//
// The package does not own the index or the segment files: callers pass the decoded segment records and an
// Opener for their files.
package export

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/porchlight/porchlight/recorder/index"
)

// File is an open segment file.
type File interface {
	io.ReaderAt
	io.Closer
}

// Opener opens the file of a segment.
type Opener func(seg *index.Segment) (File, error)

var (
	// ErrNoFrames reports that nothing was recorded in the requested range.
	ErrNoFrames = errors.New("export: no frames recorded in range")
	// ErrBadRange reports a range whose end is not after its start.
	ErrBadRange = errors.New("export: end must be after start")
	// ErrBadIndex reports a segment record that disagrees with itself or with its file: part counts that
	// do not add up to the frames, data past the file size, or an init without the indexed track.
	ErrBadIndex = errors.New("export: segment index does not match the segment")
	// ErrRangeTooLong reports a range longer than MaxRange.
	ErrRangeTooLong = fmt.Errorf("export: a range may span at most %s", MaxRange)
)

// MaxRange is the longest range one export may span: a day. A clip's header holds a size for every
// sample (about 1 MB per hour of 25 fps video with audio), and the index records it is planned from
// grow with the range too, so the bound keeps what any one request may allocate to a day's worth
// (Clip's memory per hour is measured by BenchmarkExportMemory).
const MaxRange = 24 * time.Hour

// CheckRange returns ErrBadRange or ErrRangeTooLong (wrapped, with the range) when [start, end) cannot be
// exported. New checks it; a caller may check it before it loads the segments.
func CheckRange(start, end time.Time) error {
	r := start.Format(time.RFC3339Nano) + ".." + end.Format(time.RFC3339Nano)
	switch d := end.Sub(start); {
	case d <= 0:
		return fmt.Errorf("export: range %s: %w", r, ErrBadRange)
	case d > MaxRange:
		return fmt.Errorf("%w; %s spans %s: export it in parts", ErrRangeTooLong, r, d)
	}
	return nil
}

// formatVersion changes the ETag of every clip when the layout New produces changes.
const formatVersion = "porchlight-export-1"

// New plans an MP4 of [start, end) from segs (time order, fully decoded) without reading sample bytes.
// The range may span at most MaxRange.
//
// The range is clamped to the recorded material inside it (video if any segment has video, else audio).
// The clip holds the first video track and the first audio track of the segments. New reads the init of
// every segment it uses once, through open; sample bytes are read later, when the clip is read.
func New(segs []*index.Segment, start, end time.Time, open Opener) (*Clip, error) {
	if err := CheckRange(start, end); err != nil {
		return nil, err
	}
	sel, err := selectRange(segs, start, end)
	if err != nil {
		return nil, err
	}
	tracks := make([]*table, len(sel.tracks))
	for i := range sel.tracks {
		tracks[i] = &table{sel: &sel.tracks[i], id: uint32(i + 1)}
	}
	if err := readSampleEntries(segs, tracks, open); err != nil {
		return nil, err
	}
	l, err := layout(segs, tracks, sel.start)
	if err != nil {
		return nil, err
	}
	header := buildHeader(tracks, sel.end.Sub(sel.start), l)
	c := &Clip{
		header: header,
		pieces: l.pieces,
		segs:   segs,
		open:   open,
		size:   int64(len(header)) + l.payload,
		start:  sel.start,
		end:    sel.end,
	}
	for i := range c.pieces {
		c.pieces[i].off += int64(len(header))
	}
	c.etag, c.modTime = identity(segs, l.pieces, header)
	return c, nil
}

// identity derives the strong ETag and the modification time of a clip. The header fixes every sample's
// size and place; the segment identities fix which bytes fill them.
func identity(segs []*index.Segment, pieces []piece, header []byte) (string, time.Time) {
	h := sha256.New()
	h.Write([]byte(formatVersion))
	h.Write(header)
	var mod time.Time
	last := -1
	var buf []byte
	for _, p := range pieces {
		if p.seg == last {
			continue
		}
		last = p.seg
		s := segs[p.seg]
		buf = binary.BigEndian.AppendUint64(buf[:0], s.ID)
		buf = binary.BigEndian.AppendUint64(buf, uint64(s.Size))
		buf = binary.BigEndian.AppendUint32(buf, uint32(len(s.File)))
		buf = append(buf, s.File...)
		h.Write(buf)
		if s.End.After(mod) {
			mod = s.End
		}
	}
	return `"` + hex.EncodeToString(h.Sum(nil)[:16]) + `"`, mod
}
