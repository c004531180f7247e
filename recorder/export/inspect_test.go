package export_test

import (
	"io"
	"testing"
	"time"

	mp4 "github.com/abema/go-mp4"

	"github.com/porchlight/porchlight/recorder/index"
)

// trackInfo is what the tests read back from one trak of a clip, with go-mp4.
type trackInfo struct {
	handler   string
	timescale uint32
	duration  uint64        // mdhd
	entries   uint32        // stsd entry count
	samples   uint32        // stsz
	syncs     int           // stss entries; -1 without stss
	mediaTime int64         // elst: of the media edit
	emptyEdit time.Duration // elst: of the empty edit before it, if any (the movie timescale is 1 ms)
	chunkBox  string        // stco or co64
	offsets   []uint64
}

// inspect parses the moov of an MP4.
func inspect(tb testing.TB, r io.ReadSeeker) []trackInfo {
	tb.Helper()
	traks, err := mp4.ExtractBox(r, nil, mp4.BoxPath{mp4.BoxTypeMoov(), mp4.BoxTypeTrak()})
	if err != nil {
		tb.Fatalf("find traks: %v", err)
	}
	stbl := func(typ mp4.BoxType) mp4.BoxPath {
		return mp4.BoxPath{mp4.BoxTypeMdia(), mp4.BoxTypeMinf(), mp4.BoxTypeStbl(), typ}
	}
	var infos []trackInfo
	for _, trak := range traks {
		boxes, err := mp4.ExtractBoxesWithPayload(r, trak, []mp4.BoxPath{
			{mp4.BoxTypeMdia(), mp4.BoxTypeHdlr()},
			{mp4.BoxTypeMdia(), mp4.BoxTypeMdhd()},
			{mp4.BoxTypeEdts(), mp4.BoxTypeElst()},
			stbl(mp4.BoxTypeStsd()), stbl(mp4.BoxTypeStsz()), stbl(mp4.BoxTypeStss()),
			stbl(mp4.BoxTypeStco()), stbl(mp4.BoxTypeCo64()),
		})
		if err != nil {
			tb.Fatalf("parse trak: %v", err)
		}
		ti := trackInfo{syncs: -1}
		for _, b := range boxes {
			switch p := b.Payload.(type) {
			case *mp4.Hdlr:
				ti.handler = string(p.HandlerType[:])
			case *mp4.Mdhd:
				ti.timescale, ti.duration = p.Timescale, uint64(p.DurationV0)
				if p.GetVersion() == 1 {
					ti.duration = p.DurationV1
				}
			case *mp4.Elst:
				for i, e := range p.Entries {
					dur, media := uint64(e.SegmentDurationV0), int64(e.MediaTimeV0)
					if p.GetVersion() == 1 {
						dur, media = e.SegmentDurationV1, e.MediaTimeV1
					}
					switch {
					case media == -1 && i == 0 && len(p.Entries) == 2:
						ti.emptyEdit = time.Duration(dur) * time.Millisecond
					case i == len(p.Entries)-1:
						ti.mediaTime = media
					default:
						tb.Fatalf("elst: got %d entries, want a media edit after at most one empty one",
							len(p.Entries))
					}
				}
			case *mp4.Stsd:
				ti.entries = p.EntryCount
			case *mp4.Stsz:
				ti.samples = p.SampleCount
			case *mp4.Stss:
				ti.syncs = int(p.EntryCount)
			case *mp4.Stco:
				ti.chunkBox = "stco"
				for _, o := range p.ChunkOffset {
					ti.offsets = append(ti.offsets, uint64(o))
				}
			case *mp4.Co64:
				ti.chunkBox, ti.offsets = "co64", p.ChunkOffset
			}
		}
		infos = append(infos, ti)
	}
	return infos
}

// frameAt is a frame of a test segment with its wall-clock interval.
type frameAt struct {
	start, end time.Time
	key        bool
}

// framesOf lists the frames of the first track of kind in each segment, in order.
func framesOf(segs []*index.Segment, kind index.Kind) []frameAt {
	var out []frameAt
	for _, seg := range segs {
		for _, tr := range seg.Tracks {
			if tr.Kind != kind {
				continue
			}
			ticks := tr.Start
			for _, f := range tr.Frames {
				a := seg.Start.Add(index.TicksToDuration(ticks, tr.TimeScale))
				ticks += uint64(f.Duration)
				out = append(out, frameAt{a, seg.Start.Add(index.TicksToDuration(ticks, tr.TimeScale)), f.Key})
			}
			break
		}
	}
	return out
}

// expectTrack is what a clip of [start, end) must hold of a track: how many samples, the wall time of
// the first one, and the wall-clock span from its start to the end of the last one.
func expectTrack(frames []frameAt, kind index.Kind, start, end time.Time) (samples int, first time.Time,
	span time.Duration) {
	from := -1
	for i, f := range frames {
		if kind == index.Video && f.key && !f.start.After(start) {
			from = i
		}
		if kind == index.Audio && f.end.After(start) {
			from = i
			break
		}
	}
	last := -1
	for i, f := range frames {
		if f.start.Before(end) {
			last = i
		}
	}
	if from < 0 || last < from {
		return 0, time.Time{}, 0
	}
	return last - from + 1, frames[from].start, frames[last].end.Sub(frames[from].start)
}
