package geo

import (
	"fmt"
	"math"
)

// EarthRadius is the mean Earth radius in metres (IUGG), the sphere every computation here uses.
const EarthRadius = 6371008.8

// Point is a position on the Earth in degrees (WGS 84 coordinates, treated as on a sphere).
type Point struct {
	Lat float64 // degrees north, -90..90
	Lon float64 // degrees east, -180..180
}

// String formats p as "lat,lon" with six decimals (about 0.1 m), the form people paste into maps.
func (p Point) String() string { return fmt.Sprintf("%.6f,%.6f", p.Lat, p.Lon) }

// Validate reports whether both coordinates are finite and in range. Errors name "lat" or "lon".
func (p Point) Validate() error {
	if !finite(p.Lat) || p.Lat < -90 || p.Lat > 90 {
		return invalid("lat", "%v is not a latitude in [-90, 90]", p.Lat)
	}
	if !finite(p.Lon) || p.Lon < -180 || p.Lon > 180 {
		return invalid("lon", "%v is not a longitude in [-180, 180]", p.Lon)
	}
	return nil
}

// Distance returns the great-circle distance between a and b in metres (haversine formula on a sphere of
// radius EarthRadius). The sphere is within 0.5% of the ellipsoid, far inside what a camera check needs.
func Distance(a, b Point) float64 {
	φ1, φ2 := rad(a.Lat), rad(b.Lat)
	dφ, dλ := φ2-φ1, rad(b.Lon-a.Lon)
	h := sq(math.Sin(dφ/2)) + math.Cos(φ1)*math.Cos(φ2)*sq(math.Sin(dλ/2))
	// Rounding can push h a hair past 1 for antipodal points; Asin would return NaN.
	return 2 * EarthRadius * math.Asin(math.Sqrt(math.Min(1, math.Max(0, h))))
}

// bearing returns the initial compass bearing from a to b in radians clockwise from north, in (-π, π].
func bearing(a, b Point) float64 {
	φ1, φ2 := rad(a.Lat), rad(b.Lat)
	dλ := rad(b.Lon - a.Lon)
	y := math.Sin(dλ) * math.Cos(φ2)
	x := math.Cos(φ1)*math.Sin(φ2) - math.Sin(φ1)*math.Cos(φ2)*math.Cos(dλ)
	return math.Atan2(y, x)
}

// destination returns the point reached by travelling dist metres from p along the great circle that
// starts at bearing θ (radians clockwise from north).
func destination(p Point, θ, dist float64) Point {
	δ := dist / EarthRadius
	φ1, λ1 := rad(p.Lat), rad(p.Lon)
	sinφ2 := math.Sin(φ1)*math.Cos(δ) + math.Cos(φ1)*math.Sin(δ)*math.Cos(θ)
	sinφ2 = math.Max(-1, math.Min(1, sinφ2))
	φ2 := math.Asin(sinφ2)
	λ2 := λ1 + math.Atan2(math.Sin(θ)*math.Sin(δ)*math.Cos(φ1), math.Cos(δ)-math.Sin(φ1)*sinφ2)
	return Point{Lat: deg(φ2), Lon: normLon(deg(λ2))}
}

// normLon maps a longitude in degrees into [-180, 180).
func normLon(lon float64) float64 {
	lon = math.Mod(lon+180, 360)
	if lon < 0 {
		lon += 360
	}
	return lon - 180
}

func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }
func rad(d float64) float64 { return d * math.Pi / 180 }
func deg(r float64) float64 { return r * 180 / math.Pi }
func sq(f float64) float64  { return f * f }
