package index_test

import (
	"errors"
	"testing"

	"github.com/porchlight/porchlight/recorder/index"
)

// FuzzUnmarshalSegment checks that the decoders never panic on any input, fail only with ErrBadRecord,
// agree with each other, and that what they accept survives a round trip.
func FuzzUnmarshalSegment(f *testing.F) {
	for _, tc := range codecCases() {
		if tc.name == "realistic 60 s" {
			tc.seg = realisticSegment(3, 1, t0, 3) // keep seeds small so mutations reach the tables
		}
		b, err := index.MarshalSegment(tc.seg)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
		f.Add(b[:len(b)/2])
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		sum, sumErr := index.UnmarshalSummary(b)
		seg, err := index.UnmarshalSegment(b)
		if sumErr != nil && !errors.Is(sumErr, index.ErrBadRecord) {
			t.Fatalf("UnmarshalSummary: got error %v, want ErrBadRecord", sumErr)
		}
		if err != nil {
			if !errors.Is(err, index.ErrBadRecord) {
				t.Fatalf("UnmarshalSegment: got error %v, want ErrBadRecord", err)
			}
			return
		}
		if sumErr != nil {
			t.Fatalf("UnmarshalSegment accepted what UnmarshalSummary rejected: %v", sumErr)
		}
		sameSegment(t, sum, summaryOf(seg))
		again, err := index.MarshalSegment(seg)
		if err != nil {
			t.Fatalf("MarshalSegment of a decoded segment: %v", err)
		}
		seg2, err := index.UnmarshalSegment(again)
		if err != nil {
			t.Fatalf("UnmarshalSegment of a re-encoded segment: %v", err)
		}
		sameSegment(t, seg2, seg)
	})
}
