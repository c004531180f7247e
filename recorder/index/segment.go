package index

import "time"

// Kind is the kind of media a track carries.
type Kind uint8

// Track kinds.
const (
	Video Kind = 1
	Audio Kind = 2
)

// Frame is one sample of a track as the index keeps it.
type Frame struct {
	Size      uint32 // bytes in the segment file
	Duration  uint32 // in the track's timescale
	PTSOffset int32  // composition offset, zero for streams without B-frames
	Key       bool   // sync sample (IDR for video; every audio frame is one)
}

// Track is one track of a segment: its codec and its frames in decode order.
type Track struct {
	ID        uint32 // fMP4 track ID in the segment's init
	Kind      Kind
	Codec     string // "H264", "H265", "MPEG4Audio", "Opus", "LPCM"
	TimeScale uint32
	// Start is when the track's first frame begins, relative to Segment.Start, in the track's timescale
	// (the fMP4 tfdt of the first part).
	Start  uint64
	Frames []Frame
}

// Duration sums the frame durations of the track.
func (t *Track) Duration() time.Duration {
	var d uint64
	for _, f := range t.Frames {
		d += uint64(f.Duration)
	}
	return TicksToDuration(t.Start+d, t.TimeScale) - TicksToDuration(t.Start, t.TimeScale)
}

// Part locates one moof+mdat pair in the segment file.
type Part struct {
	Offset   int64    // file offset of the moof box
	MoofSize uint32   // size of the moof box; the mdat payload starts at Offset+MoofSize+8
	Counts   []uint32 // frames of each track in this part, in Segment.Tracks order; their bytes are contiguous
}

// DataOffset is the file offset of the part's first sample byte.
func (p *Part) DataOffset() int64 { return p.Offset + int64(p.MoofSize) + 8 }

// Segment is the index record of one fragmented MP4 segment file.
type Segment struct {
	ID    uint64    // per-stream sequence number, increasing
	Run   uint64    // ID of the first segment of the run this one belongs to
	Start time.Time // wall-clock time of the first frame of the first track
	// End is the wall-clock end of the longest track.
	End      time.Time
	File     string // path relative to the stream's directory
	Size     int64  // bytes of the file the record covers (init + complete parts)
	InitSize uint32 // bytes of ftyp+moov at the start of the file
	Tracks   []Track
	Parts    []Part
}

// Frames counts the frames of all tracks.
func (s *Segment) Frames() int {
	n := 0
	for i := range s.Tracks {
		n += len(s.Tracks[i].Frames)
	}
	return n
}

// Span is a recorded time range without gaps.
type Span struct {
	Start time.Time
	End   time.Time
}

// TicksToDuration converts a count of timescale ticks to a duration without overflow in the intermediate
// product. A zero timescale yields zero.
func TicksToDuration(ticks uint64, timescale uint32) time.Duration {
	if timescale == 0 {
		return 0
	}
	sec := ticks / uint64(timescale)
	rem := ticks % uint64(timescale)
	return time.Duration(sec)*time.Second + time.Duration(rem*uint64(time.Second)/uint64(timescale))
}
