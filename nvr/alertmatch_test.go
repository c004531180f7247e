package nvr

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/porchlight/porchlight/federation"
	"github.com/porchlight/porchlight/federation/agency"
	"github.com/porchlight/porchlight/federation/geo"
	"github.com/porchlight/porchlight/recorder/index"
)

// TestAlertMatches: a neighbor's alert with a place lists the events, in its window, of the cameras whose
// view meets 150 m around the place (a directed camera only when it looks that way), newest first; an
// attached clip widens the window; our own alerts and alerts without a place match nothing.
func TestAlertMatches(t *testing.T) {
	db, err := index.Open(filepath.Join(t.TempDir(), "index.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	const lat, lon = 40.7128, -74.0060
	const north200 = 200 / 111195.0 // 200 m of latitude in degrees
	south, awayNorth := 180.0, 0.0
	views := []agency.Camera{
		{Name: "front", View: geo.View{At: geo.Point{Lat: lat + 0.0003, Lon: lon}}}, // 33 m away, 30 m all around
		{Name: "porch", View: geo.View{At: geo.Point{Lat: lat + north200, Lon: lon}, Radius: 60, Direction: &south}},
		{Name: "side", View: geo.View{At: geo.Point{Lat: lat + north200, Lon: lon}, Radius: 60, Direction: &awayNorth}},
		{Name: "garage", View: geo.View{At: geo.Point{Lat: lat + 0.009, Lon: lon}, Radius: 100}}, // 1 km north
	}
	at := time.Date(2026, 12, 6, 14, 10, 0, 0, time.UTC)
	add := func(camera string, offset time.Duration) {
		e, err := db.OpenEvent(index.Event{Camera: camera, Kind: "motion", Start: at.Add(offset)})
		if err == nil {
			_, err = db.CloseEvent(e.ID, e.Start.Add(20*time.Second), 0.5)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	add("front", -40*time.Minute)
	add("front", -20*time.Minute)
	add("front", -10*time.Minute)
	add("front", 3*time.Minute)
	add("front", 10*time.Minute)
	add("porch", -time.Minute)
	add("side", 0)
	add("garage", 0)
	m := alertMatcher{views: func() []agency.Camera { return views }, events: db.Events}

	pLat, pLon := lat, lon
	alert := federation.Alert{ID: "n1", Time: at, Lat: &pLat, Lon: &pLon}
	withClip := alert
	withClip.Clip = &federation.ClipInfo{Camera: "x", Start: at.Add(-30 * time.Minute), End: at.Add(-29 * time.Minute)}
	mine := alert
	mine.Mine = true
	noPlace := alert
	noPlace.Lat, noPlace.Lon = nil, nil
	for _, tt := range []struct {
		name  string
		alert federation.Alert
		want  string
	}{
		{"place and time", alert, "front@3m0s porch@-1m0s front@-10m0s"},
		{"a clip widens the window", withClip, "front@3m0s porch@-1m0s front@-10m0s front@-20m0s"},
		{"our own alert", mine, ""},
		{"no place", noPlace, ""},
	} {
		var got []string
		for _, e := range m.match(tt.alert) {
			got = append(got, fmt.Sprintf("%s@%v", e.Camera, e.Start.Sub(at)))
		}
		if g := strings.Join(got, " "); g != tt.want {
			t.Errorf("%s: got matches %q, want %q", tt.name, g, tt.want)
		}
	}
}
