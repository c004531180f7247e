package geo_test

import (
	"math"
	"testing"

	"github.com/porchlight/porchlight/federation/geo"
)

func TestPolygonValidate(t *testing.T) {
	tri := geo.Polygon{off(home, 0, 0), off(home, 100, 0), off(home, 0, 100)}
	many := make(geo.Polygon, 65)
	for i := range many {
		many[i] = travel(home, float64(i)*360/65, 100)
	}
	tests := []struct {
		name string
		pg   geo.Polygon
		want string
	}{
		{"triangle", tri, ""},
		{"square", square(home, 0, 0, 50), ""},
		{"64 vertices", many[:64], ""},
		{"concave (L shape)", geo.Polygon{off(home, 0, 0), off(home, 20, 0), off(home, 20, 5), off(home, 5, 5), off(home, 5, 20), off(home, 0, 20)}, ""},
		{"straight run through a vertex", geo.Polygon{off(home, 0, 0), off(home, 10, 0), off(home, 20, 0), off(home, 10, 10)}, ""},
		{"across the antimeridian", geo.Polygon{{Lat: 1, Lon: 179.999}, {Lat: 1, Lon: -179.999}, {Lat: 1.001, Lon: -179.999}}, ""},
		{"tiny", geo.Polygon{off(home, 0, 0), off(home, 1, 0), off(home, 0, 1)}, "polygon encloses less than 1 m²"},
		{"empty", nil, "polygon has 0 vertices; want 3 to 64"},
		{"two vertices", tri[:2], "polygon has 2 vertices; want 3 to 64"},
		{"65 vertices", many, "polygon has 65 vertices; want 3 to 64"},
		{"bad vertex", geo.Polygon{home, home, {Lat: 10, Lon: 200}}, "[2].lon: 200 is not a longitude in [-180, 180]"},
		{"too wide", geo.Polygon{home, off(home, 0, 120000), off(home, 120000, 0)}, "[0]: vertex is 56570 m from the polygon's centre; at most 50000 m allowed"},
		{"repeated vertex", geo.Polygon{tri[0], tri[1], tri[1], tri[2]}, "[2]: vertex repeats the one before it (do not close the ring by repeating the first vertex)"},
		{"closed ring", geo.Polygon{tri[0], tri[1], tri[2], tri[0]}, "[0]: vertex repeats the one before it (do not close the ring by repeating the first vertex)"},
		{"collinear", geo.Polygon{off(home, 0, 0), off(home, 10, 0), off(home, 20, 0)}, "polygon edges 0-1 and 2-0 cross or overlap"},
		{"bow tie", geo.Polygon{off(home, 0, 0), off(home, 10, 10), off(home, 10, 0), off(home, 0, 10)}, "polygon edges 0-1 and 2-3 cross or overlap"},
		// A square with a spike that runs back along its own bottom edge from vertex 1.
		{"folds back", geo.Polygon{off(home, 0, 0), off(home, 20, 0), off(home, 10, 0), off(home, 10, 10), off(home, 0, 10)}, "polygon edges 0-1 and 1-2 cross or overlap"},
		{"touching vertex", geo.Polygon{off(home, 0, 0), off(home, 20, 0), off(home, 10, 10), off(home, 20, 20), off(home, 0, 20), off(home, 10, 10)}, "polygon edges 1-2 and 4-5 cross or overlap"},
	}
	for _, tt := range tests {
		checkErr(t, tt.name, tt.pg.Validate(), tt.want)
	}
}

func TestPolygonAreaSqMi(t *testing.T) {
	const mile = 1609.344
	tests := []struct {
		name string
		pg   geo.Polygon
		want float64
	}{
		{"1 mile square", square(home, 0, 0, mile), 1},
		{"1 mile square, clockwise", reversed(square(home, 0, 0, mile)), 1},
		{"half-mile right triangle", geo.Polygon{home, off(home, mile, 0), off(home, 0, mile)}, 0.5},
		{"1 mile square across the antimeridian", square(geo.Point{Lat: -17, Lon: 180}, 0, 0, mile), 1},
		{"1 mile square at 70° north", square(geo.Point{Lat: 70, Lon: 20}, 0, 0, mile), 1},
		{"too few vertices", geo.Polygon{home, home}, 0},
	}
	for _, tt := range tests {
		// The square's corners are placed from its middle by distance and bearing, so its sides are not
		// exactly a mile; 1e-5 is far below any cap decision and far above that error.
		if got := tt.pg.AreaSqMi(); math.Abs(got-tt.want) > 1e-5 {
			t.Errorf("%s: AreaSqMi = %.7f, want %.7f", tt.name, got, tt.want)
		}
	}
}

func TestPolygonContains(t *testing.T) {
	ell := geo.Polygon{off(home, 0, 0), off(home, 20, 0), off(home, 20, 5), off(home, 5, 5), off(home, 5, 20), off(home, 0, 20)}
	tests := []struct {
		name        string
		east, north float64
		want        bool
	}{
		{"in the foot", 15, 2, true},
		{"in the upright", 2, 15, true},
		{"in the notch", 15, 15, false},
		{"outside", -1, 2, false},
		{"on an edge", 10, 0, true},
		{"on the inner corner", 5, 5, true},
		{"just past the inner corner", 5.01, 5.01, false},
	}
	for _, tt := range tests {
		if got := ell.Contains(off(home, tt.east, tt.north)); got != tt.want {
			t.Errorf("%s (%v E, %v N): Contains = %v, want %v", tt.name, tt.east, tt.north, got, tt.want)
		}
	}
	if (geo.Polygon{home, home}).Contains(home) {
		t.Errorf("a 2-vertex polygon contains its own vertex, want nothing contained")
	}
}

func reversed(pg geo.Polygon) geo.Polygon {
	out := make(geo.Polygon, len(pg))
	for i, p := range pg {
		out[len(pg)-1-i] = p
	}
	return out
}
