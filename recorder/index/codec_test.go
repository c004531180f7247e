package index_test

import (
	"errors"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/porchlight/porchlight/recorder/index"
)

// codecCases are segments that must survive a round trip; fuzz_test.go seeds the fuzzer with them.
func codecCases() []struct {
	name string
	seg  *index.Segment
} {
	bframes := mkSeg(7, 3, at(0), at(0.2))
	bframes.Tracks[0].Frames = []index.Frame{
		{Size: 5000, Duration: 3600, PTSOffset: 7200, Key: true}, {Size: 900, Duration: 3600, PTSOffset: -3600},
		{Size: 800, Duration: 3000, PTSOffset: 0}, {Size: 0, Duration: 0, PTSOffset: 3600}, {Size: 1, Duration: 0},
	}
	bframes.Parts = []index.Part{{Offset: 700, MoofSize: 100, Counts: []uint32{2}}, {Offset: 9000, MoofSize: 80, Counts: []uint32{3}}}
	extremes := &index.Segment{
		ID: math.MaxUint64, Run: math.MaxUint64, Start: time.Unix(0, math.MinInt64), End: time.Unix(0, math.MaxInt64),
		File: "x", Size: math.MaxInt64, InitSize: math.MaxUint32,
		Tracks: []index.Track{{ID: math.MaxUint32, Kind: 255, Codec: "LPCM", TimeScale: math.MaxUint32, Start: math.MaxUint64, Frames: []index.Frame{
			{Size: math.MaxUint32, Duration: math.MaxUint32, PTSOffset: math.MinInt32, Key: true},
			{Size: 0, Duration: 1, PTSOffset: math.MaxInt32},
		}}},
		Parts: []index.Part{{Offset: math.MinInt64, MoofSize: math.MaxUint32, Counts: []uint32{math.MaxUint32}}, {Offset: math.MaxInt64}},
	}
	inconsistent := mkSeg(9, 9, at(-1e9), at(-1e9+60)) // before 1970, and parts that disagree with the frames
	inconsistent.Parts = []index.Part{
		{Offset: 650, MoofSize: 10, Counts: []uint32{1, 5, 6}}, {Offset: 2000, MoofSize: 10, Counts: []uint32{}},
		{Offset: 100, MoofSize: 10, Counts: []uint32{40}},
	}
	return []struct {
		name string
		seg  *index.Segment
	}{
		{"empty", &index.Segment{Start: t0, End: t0}},
		{"small", mkSeg(1, 1, at(0), at(60))},
		{"realistic 60 s", realisticSegment(12, 10, at(120), 60)},
		{"b-frames and varying durations", bframes},
		{"extreme values", extremes},
		{"inconsistent parts", inconsistent},
		{"tracks without frames", &index.Segment{ID: 2, Start: t0, End: t0.Add(time.Second), Tracks: []index.Track{{ID: 1, Codec: "Opus"}, {ID: 2}}}},
	}
}

func TestRoundTrip(t *testing.T) {
	for _, tc := range codecCases() {
		t.Run(tc.name, func(t *testing.T) {
			b, err := index.MarshalSegment(tc.seg)
			if err != nil {
				t.Fatalf("MarshalSegment: %v", err)
			}
			got, err := index.UnmarshalSegment(b)
			if err != nil {
				t.Fatalf("UnmarshalSegment: %v", err)
			}
			sameSegment(t, got, normalize(tc.seg))
			sum, err := index.UnmarshalSummary(b)
			if err != nil {
				t.Fatalf("UnmarshalSummary: %v", err)
			}
			sameSegment(t, sum, summaryOf(tc.seg))
		})
	}
}

func TestRecordIsCompact(t *testing.T) {
	seg := realisticSegment(1, 1, t0, 60)
	b, err := index.MarshalSegment(seg)
	if err != nil {
		t.Fatalf("MarshalSegment: %v", err)
	}
	perFrame := float64(len(b)) / float64(seg.Frames())
	t.Logf("%d frames, %d parts: %d bytes, %.2f bytes/frame", seg.Frames(), len(seg.Parts), len(b), perFrame)
	if perFrame > 4 {
		t.Errorf("got %.2f bytes per frame for the whole record, want <= 4", perFrame)
	}
}

func TestUnmarshalRejects(t *testing.T) {
	good, err := index.MarshalSegment(mkSeg(1, 1, at(0), at(60)))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		b    []byte
	}{
		{"nil", nil},
		{"version 0", append([]byte{0}, good[1:]...)},
		{"version 2", append([]byte{2}, good[1:]...)},
		{"trailing byte", append(append([]byte(nil), good...), 0)},
		// version, id 1, run 1, start 0, end 0, file "", size 0, init 0, then 2^62 tracks.
		{"huge track count", []byte{1, 1, 1, 0, 0, 0, 0, 0, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x40}},
		// one track claiming 2^35 frames
		{"huge frame count", []byte{1, 1, 1, 0, 0, 0, 0, 0, 1, 1, 1, 0, 1, 0, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01}},
		{"file longer than record", []byte{1, 1, 1, 0, 0, 100, 'a'}},
		{"init size over uint32", []byte{1, 1, 1, 0, 0, 0, 0, 0x80, 0x80, 0x80, 0x80, 0x10, 0}},
		{"overlong varint", []byte{1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}},
		// one track of one frame whose size is 2^32
		{"frame size over uint32", []byte{1, 1, 1, 0, 0, 0, 0, 0, 1, 1, 1, 0, 1, 0, 1, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01, 0}},
	}
	for n := range len(good) {
		cases = append(cases, struct {
			name string
			b    []byte
		}{fmt.Sprintf("truncated to %d bytes", n), good[:n]})
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			seg, err := index.UnmarshalSegment(tc.b)
			if !errors.Is(err, index.ErrBadRecord) {
				t.Errorf("got segment %+v, error %v; want ErrBadRecord", seg, err)
			}
		})
	}
}

func TestUnmarshalSummaryRejectsUnknownVersion(t *testing.T) {
	for _, v := range []byte{0, 2, 255} {
		if _, err := index.UnmarshalSummary([]byte{v, 1, 1, 0, 0, 0, 0, 0, 0, 0}); !errors.Is(err, index.ErrBadRecord) {
			t.Errorf("version %d: got error %v, want ErrBadRecord", v, err)
		}
	}
}

func TestMarshalRejects(t *testing.T) {
	negative := mkSeg(1, 1, at(0), at(1))
	negative.Size = -1
	cases := []struct {
		name string
		seg  *index.Segment
	}{
		{"nil", nil},
		{"zero start", &index.Segment{End: t0}},
		{"end after 2262", &index.Segment{Start: t0, End: time.Date(2263, 1, 1, 0, 0, 0, 0, time.UTC)}},
		{"negative size", negative},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if b, err := index.MarshalSegment(tc.seg); err == nil {
				t.Errorf("got %d bytes and no error, want an error", len(b))
			}
		})
	}
}

func TestTicksToDuration(t *testing.T) {
	cases := []struct {
		ticks     uint64
		timescale uint32
		want      time.Duration
	}{
		{90000, 90000, time.Second},
		{3600, 90000, 40 * time.Millisecond},
		{1024, 48000, 21333333 * time.Nanosecond},
		{5, 0, 0},
		{math.MaxUint32 * 1000, math.MaxUint32, 1000 * time.Second},
	}
	for _, tc := range cases {
		if got := index.TicksToDuration(tc.ticks, tc.timescale); got != tc.want {
			t.Errorf("TicksToDuration(%d, %d): got %v, want %v", tc.ticks, tc.timescale, got, tc.want)
		}
	}
	tr := realisticSegment(1, 1, t0, 60).Tracks[0]
	if got, want := tr.Duration(), 60*time.Second; got != want {
		t.Errorf("video track Duration: got %v, want %v", got, want)
	}
}
