package motiontest

import (
	"fmt"
	"time"
)

// Event is an event a detector reported, as offsets from the clip start: Start and End as the event
// says (End is the last frame with motion, so no post-roll tail), Opened when it was reported open.
type Event struct {
	Start, End, Opened time.Duration
}

// Result is the accuracy of events against the truth of one clip.
type Result struct {
	Motion, Still time.Duration // truth: seconds with and without motion
	EventTime     time.Duration // seconds inside events
	Hit           time.Duration // seconds inside events and motion (truth widened by the slack)
	Recall        float64       // Hit / Motion (1 when there is no motion)
	Precision     float64       // Hit / EventTime (1 when there is no event)
	Events        int
	FalseEvents   int           // events that touch no motion
	FalsePerHour  float64       // FalseEvents per hour of Still
	Detected      int           // motion intervals that an event overlaps
	Intervals     int           // motion intervals
	MaxLatency    time.Duration // motion start to event open, worst detected interval
	MeanLatency   time.Duration
}

// String is one table row's worth of figures.
func (r Result) String() string {
	return fmt.Sprintf("recall %.3f precision %.3f events %d false %d (%.1f/still-h) detected %d/%d latency mean %.2fs max %.2fs",
		r.Recall, r.Precision, r.Events, r.FalseEvents, r.FalsePerHour, r.Detected, r.Intervals,
		r.MeanLatency.Seconds(), r.MaxLatency.Seconds())
}

// Score compares events with the motion intervals of a clip of the given length. Event-seconds count
// [Start, End] of each event. slack widens each motion interval at its end before scoring precision
// and false events: a detector that smooths its signal sees motion end a little late, and a caller
// whose events include the post-roll tail passes the post-roll. Recall is always against the truth as
// it is.
func Score(events []Event, truth []Interval, length, slack time.Duration) Result {
	var r Result
	r.Intervals = len(truth)
	for _, t := range truth {
		r.Motion += t.End - t.Start
	}
	r.Still = length - r.Motion
	r.Events = len(events)
	var hitStrict time.Duration
	for _, e := range events {
		r.EventTime += e.End - e.Start
		touches := false
		for _, t := range truth {
			hitStrict += overlap(e.Start, e.End, t.Start, t.End)
			wide := overlap(e.Start, e.End, t.Start, t.End+slack)
			r.Hit += wide
			if wide > 0 || (e.Start <= t.End+slack && e.End >= t.Start) {
				touches = true
			}
		}
		if !touches {
			r.FalseEvents++
		}
	}
	r.Recall, r.Precision = 1, 1
	if r.Motion > 0 {
		r.Recall = float64(hitStrict) / float64(r.Motion)
	}
	if r.EventTime > 0 {
		r.Precision = float64(r.Hit) / float64(r.EventTime)
	}
	if r.Still > 0 {
		r.FalsePerHour = float64(r.FalseEvents) / r.Still.Hours()
	}
	var sum time.Duration
	for _, t := range truth {
		for _, e := range events {
			if e.End < t.Start || e.Start > t.End {
				continue
			}
			lat := max(0, e.Opened-t.Start)
			r.Detected++
			sum += lat
			r.MaxLatency = max(r.MaxLatency, lat)
			break
		}
	}
	if r.Detected > 0 {
		r.MeanLatency = sum / time.Duration(r.Detected)
	}
	return r
}

// overlap is the length of [a0,a1] ∩ [b0,b1].
func overlap(a0, a1, b0, b1 time.Duration) time.Duration {
	return max(0, min(a1, b1)-max(a0, b0))
}

// Merge adds up results of several clips: times and counts add, ratios are recomputed from the sums,
// latency is the mean over detected intervals and the worst of all.
func Merge(rs ...Result) Result {
	var m Result
	var lat time.Duration
	var hitStrict float64
	for _, r := range rs {
		m.Motion += r.Motion
		m.Still += r.Still
		m.EventTime += r.EventTime
		m.Hit += r.Hit
		hitStrict += r.Recall * float64(r.Motion)
		m.Events += r.Events
		m.FalseEvents += r.FalseEvents
		m.Detected += r.Detected
		m.Intervals += r.Intervals
		m.MaxLatency = max(m.MaxLatency, r.MaxLatency)
		lat += r.MeanLatency * time.Duration(r.Detected)
	}
	m.Recall, m.Precision = 1, 1
	if m.Motion > 0 {
		m.Recall = hitStrict / float64(m.Motion)
	}
	if m.EventTime > 0 {
		m.Precision = float64(m.Hit) / float64(m.EventTime)
	}
	if m.Still > 0 {
		m.FalsePerHour = float64(m.FalseEvents) / m.Still.Hours()
	}
	if m.Detected > 0 {
		m.MeanLatency = lat / time.Duration(m.Detected)
	}
	return m
}
