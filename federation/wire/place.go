package wire

import (
	"errors"
	"math"
)

// DefaultPrecision is how coarse an alert's position is by default, in metres.
const DefaultPrecision = 150

// Bounds on the precision of Coarsen, in metres: finer than MinPrecision points at a house. Coarsen clamps
// a precision outside them to the nearer bound.
const (
	MinPrecision = 10
	MaxPrecision = 100_000
)

const metresPerDegree = 111_320.0

// Coarsen snaps a WGS 84 position to the centre of a grid cell about precision metres wide, so an alert
// says "this block" rather than "this house". Longitude cells are widened by 1/cos(lat) so they stay about
// precision metres wide away from the equator.
//
// A precision of 0 or less means DefaultPrecision; one below MinPrecision or above MaxPrecision is taken as
// that bound. The clamp also keeps the cell size a normal float64: a tiny positive precision would make it
// underflow to 0 and the place NaN. A position or precision that is not a finite number, and a position
// off the Earth (lat outside -90..90, lon outside -180..180), are errors.
func Coarsen(lat, lon float64, precision float64) (Place, error) {
	for _, v := range []float64{lat, lon, precision} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return Place{}, errors.New("position is not a finite number")
		}
	}
	if lat < -90 || lat > 90 || lon < -180 || lon > 180 {
		return Place{}, errors.New("position out of range: lat -90..90, lon -180..180")
	}
	if precision <= 0 {
		precision = DefaultPrecision
	}
	precision = math.Max(MinPrecision, math.Min(MaxPrecision, precision))
	dLat := precision / metresPerDegree
	cLat := (math.Floor(lat/dLat) + 0.5) * dLat
	dLon := dLat / math.Max(math.Cos(cLat*math.Pi/180), 0.01)
	cLon := (math.Floor(lon/dLon) + 0.5) * dLon
	cLat = math.Max(-90, math.Min(90, cLat))
	cLon = math.Max(-180, math.Min(180, cLon))
	return Place{Lat: int32(math.Round(cLat * 1e6)), Lon: int32(math.Round(cLon * 1e6))}, nil
}

// Degrees returns the place in degrees.
func (p Place) Degrees() (lat, lon float64) { return float64(p.Lat) / 1e6, float64(p.Lon) / 1e6 }
