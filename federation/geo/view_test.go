package geo_test

import (
	"math"
	"testing"

	"github.com/porchlight/porchlight/federation/geo"
)

func TestViewValidate(t *testing.T) {
	tests := []struct {
		name string
		v    geo.View
		want string
	}{
		{"defaults", geo.View{At: home}, ""},
		{"everything set", geo.View{At: home, Radius: 80, Direction: ptr(-10), FOV: 360}, ""},
		{"bad position", geo.View{At: geo.Point{Lat: 100}}, "at.lat: 100 is not a latitude in [-90, 90]"},
		{"negative radius", geo.View{At: home, Radius: -1}, "radius: -1 m is not a distance (0 means 30 m)"},
		{"radius too large", geo.View{At: home, Radius: 60000}, "radius: 60000 m is more than the largest allowed, 50000 m"},
		{"NaN direction", geo.View{At: home, Direction: ptr(math.NaN())}, "direction: NaN is not a compass direction in degrees"},
		{"negative FOV", geo.View{At: home, FOV: -5}, "fov: -5° is not a field of view in (0, 360] (0 means 90°)"},
		{"FOV over 360", geo.View{At: home, FOV: 361}, "fov: 361° is not a field of view in (0, 360] (0 means 90°)"},
	}
	for _, tt := range tests {
		checkErr(t, tt.name, tt.v.Validate(), tt.want)
	}
}

func TestViewMeetsCircle(t *testing.T) {
	north, south := ptr(0), ptr(180)
	tests := []struct {
		name string
		v    geo.View
		a    geo.Area
		want bool
	}{
		// The brief's street: 40 m north of a camera that sees 50 m.
		{"facing north, street 40 m north", geo.View{At: home, Radius: 50, Direction: north}, circleAt(home, 0, 40, 5), true},
		{"facing south, street 40 m north", geo.View{At: home, Radius: 50, Direction: south}, circleAt(home, 0, 40, 5), false},
		// Default radius 30 m: a circle of r around a centre 40 m out reaches 40-r from the camera.
		{"just outside the default radius", geo.View{At: home, Direction: north}, circleAt(home, 0, 40, 9.9), false},
		{"just inside the default radius", geo.View{At: home, Direction: north}, circleAt(home, 0, 40, 10.1), true},
		// Wedge 335°..5° (350° ± 15°): a point at 0° is inside; one at 10°, 20 m out, is 20·sin 5° = 1.743 m
		// from the 5° edge.
		{"350° sees 0°", geo.View{At: home, Direction: ptr(350), FOV: 30}, circleAt(home, 0, 20, 1), true},
		{"350° misses 10° by 1.74 m", geo.View{At: home, Direction: ptr(350), FOV: 30}, atBearing(10, 20, 1.7), false},
		{"350° reaches 10° with r 1.8", geo.View{At: home, Direction: ptr(350), FOV: 30}, atBearing(10, 20, 1.8), true},
		{"-10° is 350°", geo.View{At: home, Direction: ptr(-10), FOV: 30}, atBearing(340, 20, 1), true},
		{"710° is 350°", geo.View{At: home, Direction: ptr(710), FOV: 30}, atBearing(340, 20, 1), true},
		{"10° sees 358°", geo.View{At: home, Direction: ptr(10), FOV: 30}, atBearing(358, 20, 0.5), true},
		{"10° misses 340°", geo.View{At: home, Direction: ptr(10), FOV: 30}, atBearing(340, 20, 0.5), false},
		{"360° is north", geo.View{At: home, Direction: ptr(360), FOV: 30}, atBearing(0, 20, 0.5), true},
		// Default FOV 90°: edges at ±45°; a centre 20 m east is 20·sin 45° = 14.142 m from the edge.
		{"touches only the 45° edge", geo.View{At: home, Direction: north}, circleAt(home, 20, 0, 14.2), true},
		{"short of the 45° edge", geo.View{At: home, Direction: north}, circleAt(home, 20, 0, 14.1), false},
		// Far along the wedge's side the nearest sector point is the edge's end, (21.213, 21.213), which
		// is √(18.787² + 11.213²) = 21.879 m from (40, 10).
		{"reaching the edge's end", geo.View{At: home, Direction: north}, circleAt(home, 40, 10, 21.9), true},
		{"short of the edge's end", geo.View{At: home, Direction: north}, circleAt(home, 40, 10, 21.85), false},
		{"behind, just short of the apex", geo.View{At: home, Direction: north}, circleAt(home, 0, -3, 2.9), false},
		{"behind, reaching the apex", geo.View{At: home, Direction: north}, circleAt(home, 0, -3, 3.1), true},
		{"area around the camera, facing away", geo.View{At: home, Direction: south}, circleAt(home, 0, 100, 200), true},
		{"no direction: 35 m south, r 6", geo.View{At: home}, circleAt(home, 0, -35, 6), true},
		{"no direction: 35 m south, r 4", geo.View{At: home}, circleAt(home, 0, -35, 4), false},
		{"FOV 360 facing north sees south", geo.View{At: home, Direction: north, FOV: 360}, circleAt(home, 0, -20, 1), true},
		{"FOV over 360 is a disc too", geo.View{At: home, Direction: north, FOV: 400}, circleAt(home, 0, -20, 1), true},
		{"FOV 359 leaves a sliver behind", geo.View{At: home, Direction: north, FOV: 359}, circleAt(home, 0, -20, 0.1), false},
		{"wide FOV 270 sees east", geo.View{At: home, Direction: north, FOV: 270}, circleAt(home, 25, -1, 1), true},
		{"camera across the antimeridian", geo.View{At: geo.Point{Lat: -17, Lon: 179.99995}, Direction: ptr(90)},
			geo.Area{Circle: &geo.Circle{Center: off(geo.Point{Lat: -17, Lon: 179.99995}, 20, 0), Radius: 2}}, true},
		{"empty area", geo.View{At: home}, geo.Area{}, false},
	}
	for _, tt := range tests {
		if got := tt.v.Meets(tt.a); got != tt.want {
			t.Errorf("%s: Meets = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestViewMeetsPolygon(t *testing.T) {
	north, south := ptr(0), ptr(180)
	band := func(y0, y1 float64) geo.Polygon { // a 200 m street running east-west, y0..y1 m north
		return geo.Polygon{off(home, -100, y0), off(home, 100, y0), off(home, 100, y1), off(home, -100, y1)}
	}
	tests := []struct {
		name string
		v    geo.View
		pg   geo.Polygon
		want bool
	}{
		{"facing north, lot 40 m north", geo.View{At: home, Radius: 50, Direction: north}, square(home, 0, 40, 10), true},
		{"facing south, lot 40 m north", geo.View{At: home, Radius: 50, Direction: south}, square(home, 0, 40, 10), false},
		{"camera inside the polygon", geo.View{At: home, Direction: south}, square(home, 0, 0, 4), true},
		// The 45° edges end 21.2 m north, so a street 28 m north only crosses the arc, and at
		// |x| ≤ √(30²-28²) = 10.8 m, inside the wedge. No vertex is near.
		{"street crossing only the arc", geo.View{At: home, Direction: north}, band(28, 29), true},
		// A street 10 m north crosses both 45° edges (at x = ±10) and meets the arc only outside the wedge.
		{"street crossing only the straight edges", geo.View{At: home, Direction: north}, band(10, 11), true},
		{"street beyond the arc", geo.View{At: home, Direction: north}, band(30.5, 31), false},
		{"street behind the camera", geo.View{At: home, Direction: north}, band(-10, -5), false},
		// A diagonal strip from (30, 5) to (5, 40): both ends outside; it crosses the 45° edge at 19.6 m.
		{"strip crossing an edge", geo.View{At: home, Direction: north},
			geo.Polygon{off(home, 30, 5), off(home, 31, 5), off(home, 6, 40), off(home, 5, 40)}, true},
		{"no direction: lot 5..15 m past the radius", geo.View{At: home}, square(home, 0, 40, 10), false},
		{"no direction: lot touching the radius", geo.View{At: home}, square(home, 0, 34.9, 10), true},
		{"no direction: street passing by", geo.View{At: home}, band(29, 35), true},
		{"350° sees a lot due north", geo.View{At: home, Direction: ptr(350), FOV: 30}, square(home, 0, 20, 2), true},
		{"350° misses a lot due east", geo.View{At: home, Direction: ptr(350), FOV: 30}, square(home, 20, 0, 2), false},
		// An L-shaped yard around the camera's view, the camera in its notch facing the open corner.
		{"camera in the notch of an L, facing out", geo.View{At: home, Radius: 4, Direction: ptr(45), FOV: 60},
			geo.Polygon{off(home, -10, -10), off(home, 10, -10), off(home, 10, -5), off(home, -5, -5), off(home, -5, 10), off(home, -10, 10)}, false},
		{"camera in the notch of an L, facing in", geo.View{At: home, Radius: 6, Direction: ptr(225), FOV: 60},
			geo.Polygon{off(home, -10, -10), off(home, 10, -10), off(home, 10, -5), off(home, -5, -5), off(home, -5, 10), off(home, -10, 10)}, true},
	}
	for _, tt := range tests {
		if err := tt.pg.Validate(); err != nil {
			t.Fatalf("%s: test polygon is invalid: %v", tt.name, err)
		}
		if got := tt.v.Meets(geo.Area{Polygon: tt.pg}); got != tt.want {
			t.Errorf("%s: Meets = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// atBearing is a circle of radius r whose centre is dist metres from home at compass bearing θ°.
func atBearing(θ, dist, r float64) geo.Area {
	return geo.Area{Circle: &geo.Circle{Center: travel(home, θ, dist), Radius: r}}
}
