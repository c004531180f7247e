package geo_test

import (
	"math"
	"testing"

	"github.com/porchlight/porchlight/federation/geo"
)

// FuzzMeets checks that valid views and areas never make the package panic or produce NaN, and that
// Meets agrees with two facts that need no geometry: a camera inside the area meets it, and an area whose
// nearest point is beyond the camera's radius does not.
func FuzzMeets(f *testing.F) {
	f.Add(45.5, -122.6, 30.0, 10.0, true, 90.0, 40.0, 0.0, 5.0)
	f.Add(-17.0, 179.9999, 0.0, 350.0, true, 0.0, -20.0, 3.0, 0.5)
	f.Add(89.9999, 0.0, 50000.0, 0.0, false, 360.0, 0.0, 0.0, 50000.0)
	f.Add(0.0, 0.0, 1.0, -720.0, true, 0.001, 0.0, 0.0, 1e-9)
	f.Fuzz(func(t *testing.T, lat, lon, radius, dir float64, hasDir bool, fov, east, north, r float64) {
		v := geo.View{At: geo.Point{Lat: lat, Lon: lon}, Radius: radius, FOV: fov}
		if hasDir {
			v.Direction = &dir
		}
		if v.Validate() != nil || !finite(east) || !finite(north) || math.Hypot(east, north) > 100_000 {
			return
		}
		c := geo.Circle{Center: off(v.At, east, north), Radius: r}
		circle := geo.Area{Circle: &c}
		if circle.Validate() != nil {
			return
		}
		d := geo.Distance(v.At, c.Center)
		if math.IsNaN(d) || math.IsNaN(circle.AreaSqMi()) {
			t.Fatalf("NaN: Distance %v, AreaSqMi %v", d, circle.AreaSqMi())
		}
		got := v.Meets(circle)
		if d < c.Radius*(1-1e-9) && !got {
			t.Errorf("camera %.3f m inside the circle (r %v): Meets = false, want true", c.Radius-d, c.Radius)
		}
		if d > (v.EffectiveRadius()+c.Radius)*(1+1e-9)+1e-6 && got {
			t.Errorf("circle %.3f m beyond the camera's reach: Meets = true, want false", d-v.EffectiveRadius()-c.Radius)
		}
		// The same place as a triangle around the circle's centre: only the absence of panics and NaN.
		tri := geo.Polygon{off(c.Center, 0, r), off(c.Center, r, -r), off(c.Center, -r, -r)}
		if (geo.Area{Polygon: tri}).Validate() == nil {
			v.Meets(geo.Area{Polygon: tri})
			if a, cen := tri.AreaSqMi(), tri.Centroid(); math.IsNaN(a) || cen.Validate() != nil {
				t.Errorf("triangle: AreaSqMi %v, Centroid %v", a, cen)
			}
		}
	})
}

func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }
