package geo_test

import (
	"math"

	"github.com/porchlight/porchlight/federation/geo"
)

// The tests carry their own spherical formulas so that the brute-force checks do not reuse the code
// they check.

const earthR = 6371008.8

func radians(d float64) float64 { return d * math.Pi / 180 }
func degrees(r float64) float64 { return r * 180 / math.Pi }

// sphereDist is the great-circle distance by the Vincenty formula for a sphere (the package uses
// haversine).
func sphereDist(a, b geo.Point) float64 {
	φ1, φ2, dλ := radians(a.Lat), radians(b.Lat), radians(b.Lon-a.Lon)
	y := math.Hypot(math.Cos(φ2)*math.Sin(dλ), math.Cos(φ1)*math.Sin(φ2)-math.Sin(φ1)*math.Cos(φ2)*math.Cos(dλ))
	x := math.Sin(φ1)*math.Sin(φ2) + math.Cos(φ1)*math.Cos(φ2)*math.Cos(dλ)
	return earthR * math.Atan2(y, x)
}

// compass is the initial bearing from a to b in degrees, [0, 360).
func compass(a, b geo.Point) float64 {
	φ1, φ2, dλ := radians(a.Lat), radians(b.Lat), radians(b.Lon-a.Lon)
	θ := degrees(math.Atan2(math.Sin(dλ)*math.Cos(φ2), math.Cos(φ1)*math.Sin(φ2)-math.Sin(φ1)*math.Cos(φ2)*math.Cos(dλ)))
	return math.Mod(θ+360, 360)
}

// travel returns the point dist metres from p along the great circle starting at compass bearing θ°.
func travel(p geo.Point, θ, dist float64) geo.Point {
	δ, t := dist/earthR, radians(θ)
	φ1, λ1 := radians(p.Lat), radians(p.Lon)
	φ2 := math.Asin(math.Sin(φ1)*math.Cos(δ) + math.Cos(φ1)*math.Sin(δ)*math.Cos(t))
	λ2 := λ1 + math.Atan2(math.Sin(t)*math.Sin(δ)*math.Cos(φ1), math.Cos(δ)-math.Sin(φ1)*math.Sin(φ2))
	lon := math.Mod(degrees(λ2)+540, 360) - 180
	return geo.Point{Lat: degrees(φ2), Lon: lon}
}

// off returns the point east and north metres from p, measured as distance and bearing from p (so it is
// exactly where the camera-centred plane of the package puts it).
func off(p geo.Point, east, north float64) geo.Point {
	if east == 0 && north == 0 {
		return p
	}
	return travel(p, degrees(math.Atan2(east, north)), math.Hypot(east, north))
}

// angleDiff is the absolute difference of two compass bearings in degrees, [0, 180].
func angleDiff(a, b float64) float64 {
	d := math.Mod(math.Abs(a-b), 360)
	return math.Min(d, 360-d)
}

func ptr(f float64) *float64 { return &f }

// home is a camera position used by the table tests (a street corner in Portland, Oregon).
var home = geo.Point{Lat: 45.5231, Lon: -122.6765}

// square returns a side × side square (metres) centred east/north metres from p.
func square(p geo.Point, east, north, side float64) geo.Polygon {
	h := side / 2
	return geo.Polygon{
		off(p, east-h, north-h), off(p, east+h, north-h), off(p, east+h, north+h), off(p, east-h, north+h),
	}
}

func circleAt(p geo.Point, east, north, r float64) geo.Area {
	return geo.Area{Circle: &geo.Circle{Center: off(p, east, north), Radius: r}}
}
