package geo_test

import (
	"math"
	"testing"

	"github.com/porchlight/porchlight/federation/geo"
)

func TestCircleAreaSqMi(t *testing.T) {
	// Hand values: r = 1609.344·√(0.5/π) = 642.035 m gives 0.5 sq mi; r = 1 mile gives π sq mi.
	tests := []struct {
		radius, want float64
	}{
		{642.0354, 0.5},
		{1609.344, math.Pi},
		{100, math.Pi * 100 * 100 / geo.SqMi},
	}
	for _, tt := range tests {
		c := geo.Circle{Center: home, Radius: tt.radius}
		if got := c.AreaSqMi(); math.Abs(got-tt.want) > 1e-6*tt.want+1e-7 {
			t.Errorf("radius %v m: AreaSqMi = %.8f, want %.8f", tt.radius, got, tt.want)
		}
	}
	// The default cap: a circle a few metres wider than 642 m is over 0.5 sq mi.
	if got := (geo.Circle{Center: home, Radius: 643.7}).AreaSqMi(); got <= 0.5 {
		t.Errorf("radius 643.7 m: AreaSqMi = %.5f, want > 0.5", got)
	}
}

func TestCircleValidate(t *testing.T) {
	tests := []struct {
		name string
		c    geo.Circle
		want string
	}{
		{"ok", geo.Circle{Center: home, Radius: 500}, ""},
		{"largest", geo.Circle{Center: home, Radius: 50000}, ""},
		{"bad centre", geo.Circle{Center: geo.Point{Lat: -91}, Radius: 5}, "center.lat: -91 is not a latitude in [-90, 90]"},
		{"zero radius", geo.Circle{Center: home}, "radius: 0 m is not a positive distance"},
		{"negative radius", geo.Circle{Center: home, Radius: -3}, "radius: -3 m is not a positive distance"},
		{"NaN radius", geo.Circle{Center: home, Radius: math.NaN()}, "radius: NaN m is not a positive distance"},
		{"too large", geo.Circle{Center: home, Radius: 50000.5}, "radius: 50000.5 m is more than the largest allowed, 50000 m"},
	}
	for _, tt := range tests {
		checkErr(t, tt.name, tt.c.Validate(), tt.want)
	}
}

func TestCircleContains(t *testing.T) {
	p := off(home, 0, 100)
	for _, tt := range []struct {
		radius float64
		want   bool
	}{{100.01, true}, {99.99, false}} {
		if got := (geo.Circle{Center: home, Radius: tt.radius}).Contains(p); got != tt.want {
			t.Errorf("radius %v contains a point 100 m away: got %v, want %v", tt.radius, got, tt.want)
		}
	}
}

func TestAreaValidate(t *testing.T) {
	good := &geo.Circle{Center: home, Radius: 100}
	tests := []struct {
		name string
		a    geo.Area
		want string
	}{
		{"circle", geo.Area{Circle: good}, ""},
		{"polygon", geo.Area{Polygon: square(home, 0, 0, 50)}, ""},
		{"neither", geo.Area{}, "area has neither a circle nor a polygon; set exactly one"},
		{"both", geo.Area{Circle: good, Polygon: square(home, 0, 0, 50)}, "area has both a circle and a polygon; set exactly one"},
		{"bad circle", geo.Area{Circle: &geo.Circle{Center: home}}, "circle.radius: 0 m is not a positive distance"},
		{"bad polygon", geo.Area{Polygon: geo.Polygon{home, home}}, "polygon: polygon has 2 vertices; want 3 to 64"},
	}
	for _, tt := range tests {
		checkErr(t, tt.name, tt.a.Validate(), tt.want)
	}
}

func TestAreaWithin(t *testing.T) {
	scope := geo.Circle{Center: home, Radius: 1000}
	tests := []struct {
		name string
		a    geo.Area
		want bool
	}{
		{"concentric smaller", circleAt(home, 0, 0, 500), true},
		{"same circle", circleAt(home, 0, 0, 1000), true},
		{"nested, touching inside", circleAt(home, 600, 0, 399.9), true},
		{"nested, bulging out by a little", circleAt(home, 600, 0, 400.1), false},
		{"overlapping", circleAt(home, 900, 0, 300), false},
		{"outside", circleAt(home, 0, 3000, 300), false},
		{"containing the scope", circleAt(home, 0, 0, 2000), false},
		{"polygon inside", geo.Area{Polygon: square(home, 0, 500, 200)}, true},
		// Corners at (±100, 850) are 856 m out, inside; (±100, 1050) are 1055 m out.
		{"polygon with a vertex outside", geo.Area{Polygon: square(home, 0, 950, 200)}, false},
		{"empty area", geo.Area{}, false},
	}
	for _, tt := range tests {
		if got := tt.a.Within(scope); got != tt.want {
			t.Errorf("%s: Within = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestAreaCenterAndSize(t *testing.T) {
	c := circleAt(home, 30, 40, 10)
	if got, want := c.Center(), off(home, 30, 40); got != want {
		t.Errorf("circle Center = %v, want %v", got, want)
	}
	sq := geo.Area{Polygon: square(home, 300, -400, 100)}
	if d := geo.Distance(sq.Center(), off(home, 300, -400)); d > 0.01 {
		t.Errorf("square Center is %.3f m from the square's middle, want < 0.01 m", d)
	}
	if got, want := sq.AreaSqMi(), 100*100/geo.SqMi; math.Abs(got-want) > 1e-4*want {
		t.Errorf("square AreaSqMi = %.7f, want %.7f", got, want)
	}
	if got := (geo.Area{}).AreaSqMi(); got != 0 {
		t.Errorf("empty AreaSqMi = %v, want 0", got)
	}
}
