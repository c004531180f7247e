package wire_test

import (
	"math"
	"strings"
	"testing"

	"github.com/porchlight/porchlight/federation/wire"
)

const earthRadius = 6_371_008.8 // metres, mean

// distance is the haversine distance between two points in degrees, in metres.
func distance(lat1, lon1, lat2, lon2 float64) float64 {
	r := math.Pi / 180
	dLat, dLon := (lat2-lat1)*r, (lon2-lon1)*r
	a := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(lat1*r)*math.Cos(lat2*r)*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * earthRadius * math.Asin(math.Sqrt(a))
}

// metres converts a north and east offset near lat into degrees.
func metres(lat, north, east float64) (dLat, dLon float64) {
	dLat = north / (earthRadius * math.Pi / 180)
	return dLat, east / (earthRadius * math.Pi / 180 * math.Cos(lat*math.Pi/180))
}

var testLats = []float64{0, 40.7, 60, -33.9}

// coarsen is Coarsen for input the test knows is valid: an error fails the test.
func coarsen(t *testing.T, lat, lon, precision float64) wire.Place {
	t.Helper()
	p, err := wire.Coarsen(lat, lon, precision)
	if err != nil {
		t.Fatalf("Coarsen(%v, %v, %v) = %v, want nil error", lat, lon, precision, err)
	}
	return p
}

func TestCoarsenSameCell(t *testing.T) {
	for _, lat := range testLats {
		// Start from a cell centre so both points 10 m either side of it are surely inside the cell.
		cLat, cLon := coarsen(t, lat, 12.345, 150).Degrees()
		for _, dir := range [][2]float64{{10, 0}, {0, 10}, {7.07, 7.07}} {
			dLat, dLon := metres(cLat, dir[0], dir[1])
			a := coarsen(t, cLat+dLat, cLon+dLon, 150)
			b := coarsen(t, cLat-dLat, cLon-dLon, 150)
			if a != b {
				t.Errorf("lat %v: points 20 m apart around the centre: got %+v and %+v, want the same place", lat, a, b)
			}
		}
	}
}

func TestCoarsenNearInput(t *testing.T) {
	for _, precision := range []float64{50, 150, 1000} {
		limit := 0.75 * precision * math.Sqrt2
		for _, lat := range testLats {
			for i := range 200 {
				// Walk a diagonal so points land all over their cells.
				dLat, dLon := metres(lat, float64(i)*precision/37, float64(i)*precision/53)
				pLat, pLon := lat+dLat, -73.98+dLon
				gLat, gLon := coarsen(t, pLat, pLon, precision).Degrees()
				if d := distance(pLat, pLon, gLat, gLon); d > limit {
					t.Fatalf("Coarsen(%v, %v, %v) = (%v, %v), %.1f m away, want ≤ %.1f m",
						pLat, pLon, precision, gLat, gLon, d, limit)
				}
			}
		}
	}
}

func TestCoarsenApart(t *testing.T) {
	for _, lat := range testLats {
		for _, dir := range [][2]float64{{300, 0}, {0, 300}, {-300, 0}, {0, -300}} {
			dLat, dLon := metres(lat, dir[0], dir[1])
			a := coarsen(t, lat, 151.2, 150)
			b := coarsen(t, lat+dLat, 151.2+dLon, 150)
			if a == b {
				t.Errorf("lat %v, offset %v m: both %+v, want different places", lat, dir, a)
			}
		}
	}
}

func TestCoarsenDefaultPrecision(t *testing.T) {
	for _, p := range []float64{0, -5} {
		if got, want := coarsen(t, 40.7, -73.9, p), coarsen(t, 40.7, -73.9, wire.DefaultPrecision); got != want {
			t.Errorf("precision %v: got %+v, want %+v (the default)", p, got, want)
		}
	}
}

// TestCoarsenExtremes checks that the poles, the antimeridian and the corners give a place in range that
// peers accept in an alert; Coarsen clamps cell centres that would fall past them.
func TestCoarsenExtremes(t *testing.T) {
	cases := []struct {
		name     string
		lat, lon float64
	}{
		{"north pole", 90, 0},
		{"south pole", -90, 0},
		{"east antimeridian", 0, 180},
		{"west antimeridian", 0, -180},
		{"corner", 90, 180},
		{"opposite corner", -90, -180},
		{"just inside east", 10, 179.9999999},
		{"just inside west", -10, -179.9999999},
	}
	pub, priv := newKey(t)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := coarsen(t, c.lat, c.lon, 150)
			if p.Lat < -90e6 || p.Lat > 90e6 || p.Lon < -180e6 || p.Lon > 180e6 {
				t.Fatalf("Coarsen(%v, %v) = %+v, out of range", c.lat, c.lon, p)
			}
			alert := &wire.Alert{Hood: strings.Repeat("h", 32), Author: pub, Text: "x", Place: &p, Nonce: make([]byte, 8)}
			var got wire.Alert
			if err := sign(t, wire.KindAlert, alert, priv).Open(wire.KindAlert, &got); err != nil {
				t.Errorf("alert at %+v: Open = %v, want nil", p, err)
			}
		})
	}
}

// TestCoarsenRejects checks that input which is not a position on Earth is an error, not a made-up place.
func TestCoarsenRejects(t *testing.T) {
	cases := []struct {
		name                string
		lat, lon, precision float64
	}{
		{"past north pole", 90.000001, 10, 150},
		{"past south pole", -95, 10, 150},
		{"past east antimeridian", 10, 180.000001, 150},
		{"past west antimeridian", 10, -190, 150},
		{"far west", 10, -541, 150},
		{"lat +Inf", math.Inf(1), 0, 150},
		{"lat -Inf", math.Inf(-1), 0, 150},
		{"lat NaN", math.NaN(), 0, 150},
		{"lon NaN", 0, math.NaN(), 150},
		{"lon +Inf", 0, math.Inf(1), 150},
		{"lon -Inf", 0, math.Inf(-1), 150},
		{"precision NaN", 0, 0, math.NaN()},
		{"precision +Inf", 0, 0, math.Inf(1)},
		{"precision -Inf", 0, 0, math.Inf(-1)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if p, err := wire.Coarsen(c.lat, c.lon, c.precision); err == nil {
				t.Errorf("Coarsen(%v, %v, %v) = %+v, nil; want an error", c.lat, c.lon, c.precision, p)
			}
		})
	}
}

// TestCoarsenTinyPrecision checks that a precision below MinPrecision is clamped to it, and one above
// MaxPrecision to that. A positive precision too small for float64 cells (precision/metresPerDegree
// underflows to 0, so lat/dLat is infinite) once gave int32(NaN), MinInt32 on amd64, with a nil error: a
// place off the Earth that peers would refuse.
func TestCoarsenTinyPrecision(t *testing.T) {
	atMin := coarsen(t, 10, 20, wire.MinPrecision)
	for _, precision := range []float64{5e-324, 1e-320, 1e-310, 1e-9, 1, wire.MinPrecision - 1e-9} {
		if got := coarsen(t, 10, 20, precision); got != atMin {
			t.Errorf("Coarsen(10, 20, %v) = %+v, want %+v (MinPrecision)", precision, got, atMin)
		}
	}
	atMax := coarsen(t, 10, 20, wire.MaxPrecision)
	for _, precision := range []float64{wire.MaxPrecision + 1, 1e300, math.MaxFloat64} {
		if got := coarsen(t, 10, 20, precision); got != atMax {
			t.Errorf("Coarsen(10, 20, %v) = %+v, want %+v (MaxPrecision)", precision, got, atMax)
		}
	}
}
