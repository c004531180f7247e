package geo

import "math"

// MaxRadius is the largest radius, in metres, of a Circle, and the largest distance of a polygon vertex
// from the polygon's centre. It bounds the error of the local-plane approximations (see the package doc)
// and is far above any real scope or request.
const MaxRadius = 50_000

// SqMi is one square mile in square metres (international mile, 1609.344 m).
const SqMi = 1609.344 * 1609.344

// Circle is a disc on the Earth: every point within Radius metres (great-circle distance) of Center.
// It is the shape of an agency's scope and the usual shape of a request area.
type Circle struct {
	Center Point
	Radius float64 // metres, > 0 and ≤ MaxRadius
}

// Validate reports whether the centre is a valid point and the radius is finite, positive and at most
// MaxRadius. Errors name "center.lat", "center.lon" or "radius".
func (c Circle) Validate() error {
	if err := c.Center.Validate(); err != nil {
		return Within("center", err)
	}
	if !finite(c.Radius) || c.Radius <= 0 {
		return invalid("radius", "%v m is not a positive distance", c.Radius)
	}
	if c.Radius > MaxRadius {
		return invalid("radius", "%v m is more than the largest allowed, %d m", c.Radius, MaxRadius)
	}
	return nil
}

// AreaSqMi returns the circle's area in square miles. It uses the area of the spherical cap, which
// differs from the flat πr² by less than one part in a million for radii up to MaxRadius.
func (c Circle) AreaSqMi() float64 {
	δ := c.Radius / EarthRadius
	// 2πR²(1-cos δ), written with sin² to keep precision for small δ.
	return 4 * math.Pi * sq(EarthRadius) * sq(math.Sin(δ/2)) / SqMi
}

// Contains reports whether p lies in the circle, its edge included.
func (c Circle) Contains(p Point) bool { return Distance(c.Center, p) <= c.Radius }
