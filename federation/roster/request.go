package roster

import (
	"fmt"
	"time"

	"github.com/porchlight/porchlight/federation/geo"
	"github.com/porchlight/porchlight/federation/wire"
)

// Request guardrails every home enforces on its own, whatever the agency's node claims or its steward
// signed: the credential's caps apply, and never more than these.
const (
	MaxRequestLife  = 30 * 24 * time.Hour // a request expires at most this long after it is posted
	MaxFootageAge   = 90 * 24 * time.Hour // a window starts at most this long before the request
	MaxWindowHard   = 7 * 24 * time.Hour  // the longest window any credential allows
	maxAreaHardSqMi = 100.0               // the largest area any credential allows
	// MaxSkew is how far ahead of ours a member's clock may be.
	MaxSkew = 2 * time.Minute
)

// CheckRequest holds a request to its agency's scope: area inside it and at most MaxArea, window at most
// MaxWindow, footage from the past only, and an expiry at most MaxRequestLife away. It returns a Refusal.
func CheckRequest(r *wire.Request, s wire.Scope) error {
	area, err := GeoArea(r.Area)
	if err != nil {
		return Refuse("malformed", "area: %w", err)
	}
	if !area.Within(GeoCircle(s.Area)) {
		return Refuse("scope", "area outside the agency's scope")
	}
	maxArea := min(float64(s.MaxArea), maxAreaHardSqMi*SquareMetresPerSqMi)
	if sq := area.AreaSqMi() * SquareMetresPerSqMi; sq > maxArea {
		return Refuse("area-cap", "area %.2f sq mi over the cap of %.2f", sq/SquareMetresPerSqMi, maxArea/SquareMetresPerSqMi)
	}
	// The window's start is bounded first, so End-Start cannot overflow.
	if r.Start < r.Time-MaxFootageAge.Milliseconds() {
		return Refuse("window-cap", "the window starts more than %s before the request", MaxFootageAge)
	}
	maxWindow := min(s.MaxWindow, MaxWindowHard.Milliseconds())
	if w := r.End - r.Start; w > maxWindow {
		return Refuse("window-cap", "window %s over the cap of %s", time.Duration(w)*time.Millisecond,
			time.Duration(maxWindow)*time.Millisecond)
	}
	if r.End > r.Time+MaxSkew.Milliseconds() {
		return Refuse("future-window", "the window ends after the request was posted: footage is asked of the past only")
	}
	if r.Expires-r.Time > MaxRequestLife.Milliseconds() {
		return Refuse("malformed", "expiry more than %s after posting", MaxRequestLife)
	}
	return nil
}

// GeoCircle is an area's circle.
func GeoCircle(a wire.Area) geo.Circle {
	lat, lon := a.Center.Degrees()
	return geo.Circle{Center: geo.Point{Lat: lat, Lon: lon}, Radius: float64(a.Radius)}
}

// GeoArea is a request's area: its polygon when it has one (which must lie in its circle), else its circle.
func GeoArea(a wire.Area) (geo.Area, error) {
	c := GeoCircle(a)
	if len(a.Polygon) == 0 {
		return geo.Area{Circle: &c}, c.Validate()
	}
	pg := make(geo.Polygon, len(a.Polygon))
	for i, p := range a.Polygon {
		lat, lon := p.Degrees()
		pg[i] = geo.Point{Lat: lat, Lon: lon}
	}
	ar := geo.Area{Polygon: pg}
	if err := ar.Validate(); err != nil {
		return ar, err
	}
	if !ar.Within(c) {
		return ar, fmt.Errorf("polygon outside its circle")
	}
	return ar, nil
}
