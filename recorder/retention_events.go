package recorder

import (
	"cmp"
	"fmt"
	"slices"
	"sort"
	"time"
)

// span is a stretch of a camera's wall time, [start, end).
type span struct{ start, end time.Time }

// eventKeeper reports the footage events keep; the event store implements it. A nil keeper means no
// events: every segment is continuous footage.
type eventKeeper interface {
	// keptSpans returns the spans of camera's footage that events keep and that overlap [from, to):
	// each event from its start minus the camera's pre-roll to its end plus its post-roll, an open event
	// up to now. In any order; they may overlap. On an error retention treats the footage as kept.
	keptSpans(camera string, from, to time.Time) ([]span, error)
}

// markEvents sets the event flag of cands, a stream's segments of camera in ID order: whether a segment
// overlaps a kept span, even by a frame (segments are whole files, so a segment partly inside an event
// is kept whole). It asks keeper once, for the time cands cover. On an error every segment counts as an
// event segment: footage is kept longer rather than deleted early.
func markEvents(keeper eventKeeper, camera string, cands []candidate) error {
	if len(cands) == 0 {
		return nil
	}
	from, to := cands[0].start, cands[0].end
	for _, c := range cands[1:] {
		from, to = minTime(from, c.start), maxTime(to, c.end)
	}
	spans, err := keeper.keptSpans(camera, from, to)
	if err != nil {
		for i := range cands {
			cands[i].event = true
		}
		return fmt.Errorf("event spans of camera %q: %w", camera, err)
	}
	spans = mergeSpans(spans)
	for i, c := range cands {
		// The first span that ends after the segment starts; merged spans end in order.
		j := sort.Search(len(spans), func(j int) bool { return spans[j].end.After(c.start) })
		cands[i].event = j < len(spans) && spans[j].start.Before(c.end)
	}
	return nil
}

// mergeSpans sorts spans by start and joins those that overlap or touch, so the result is disjoint and
// its ends ascend. A span that ends before it starts counts as the instant it starts.
func mergeSpans(spans []span) []span {
	out := slices.Clone(spans)
	for i := range out {
		if !out[i].end.After(out[i].start) {
			out[i].end = out[i].start.Add(time.Nanosecond)
		}
	}
	slices.SortFunc(out, func(a, b span) int { return a.start.Compare(b.start) })
	merged := out[:0]
	for _, s := range out {
		if n := len(merged); n > 0 && !s.start.After(merged[n-1].end) {
			merged[n-1].end = maxTime(merged[n-1].end, s.end)
			continue
		}
		merged = append(merged, s)
	}
	return merged
}

// mergeCandidates returns the candidates of a and b, both in ID order, in ID order without duplicates.
func mergeCandidates(a, b []candidate) []candidate {
	out := make([]candidate, 0, len(a)+len(b))
	out = append(append(out, a...), b...)
	slices.SortStableFunc(out, func(x, y candidate) int { return cmp.Compare(x.id, y.id) })
	return slices.CompactFunc(out, func(x, y candidate) bool { return x.id == y.id })
}
