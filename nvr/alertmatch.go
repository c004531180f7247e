package nvr

import (
	"slices"
	"time"

	"github.com/porchlight/porchlight/federation"
	"github.com/porchlight/porchlight/federation/agency"
	"github.com/porchlight/porchlight/federation/geo"
	"github.com/porchlight/porchlight/recorder"
	"github.com/porchlight/porchlight/ui"
)

// Matching a neighbor's alert against this home's own events, locally: nothing is sent about a match; the
// owner may answer with a clip (POST /api/v1/events/{id}/alert), and only that posts.
//
// A camera can see an alert's place when its view (cameras[].location: radius, direction, fov; see
// geo.View) meets the circle of matchRadius around the place. The federation coarsens places to 150 m
// (p2p location precision), so the reported spot lies within about 106 m of the place it carries; 150 m
// covers that with room for the camera's own placement. The window is the alert's time from matchBefore
// before (people post after the fact) to matchAfter after, widened to an attached clip ± matchSlack.
const (
	matchRadius = 150 // metres
	matchBefore = 15 * time.Minute
	matchAfter  = 5 * time.Minute
	matchSlack  = 5 * time.Minute
	maxMatches  = 10 // per alert, newest first
)

// alertMatcher finds a neighbor's alert's matches among this home's events.
type alertMatcher struct {
	views  func() []agency.Camera                                // the cameras with a location
	events func(q recorder.EventQuery) ([]recorder.Event, error) // the recorder's events
	base   string                                                // http.base_path, for snapshot URLs
}

// match lists the events of cameras that can see a's place in a's window, newest first. An alert of
// ours, or one without a place, matches nothing.
func (m alertMatcher) match(a federation.Alert) []ui.Event {
	if m.views == nil || a.Mine || a.Lat == nil || a.Lon == nil {
		return nil
	}
	area := geo.Area{Circle: &geo.Circle{Center: geo.Point{Lat: *a.Lat, Lon: *a.Lon}, Radius: matchRadius}}
	from, to := a.Time.Add(-matchBefore), a.Time.Add(matchAfter)
	if c := a.Clip; c != nil {
		from, to = minTime(from, c.Start.Add(-matchSlack)), maxTime(to, c.End.Add(matchSlack))
	}
	var out []ui.Event
	for _, cam := range m.views() {
		if cam.View.Validate() != nil || !cam.View.Meets(area) {
			continue
		}
		evs, err := m.events(recorder.EventQuery{Camera: cam.Name, Start: from, End: to, Limit: maxMatches})
		if err != nil {
			continue // a match is a hint; the alert shows without it
		}
		for _, e := range evs {
			out = append(out, apiEvent(e, m.base))
		}
	}
	slices.SortStableFunc(out, func(a, b ui.Event) int { return b.Start.Compare(a.Start) })
	return out[:min(len(out), maxMatches)]
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
