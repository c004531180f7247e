package geo_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/porchlight/porchlight/federation/geo"
)

// TestMeetsAgainstSampling compares View.Meets with brute force on random cameras and areas: it covers
// the area with sample points no more than a metre apart and measures, with the test's own spherical
// formulas, how far each sample is outside the camera's sector (negative: how deep inside). Meets may
// disagree with "some sample is in the sector" only when the nearest sample is within tol of the sector's
// boundary, which sampling cannot resolve.
func TestMeetsAgainstSampling(t *testing.T) {
	const (
		spacing = 1.0             // metres between neighbouring samples
		tol     = 2*spacing + 0.5 // farthest a point of the area can be from its nearest sample, with margin
		seed    = 20261127
	)
	cases := 1000
	if testing.Short() {
		cases = 200
	}
	rng := rand.New(rand.NewPCG(seed, 7))
	var met, missed, close, skipped int
	for i := range cases {
		v := randomView(rng)
		a, pts := randomArea(rng, v, spacing)
		if err := a.Validate(); err != nil {
			t.Logf("case %d: skipped: %v", i, err)
			skipped++
			continue
		}
		best := math.Inf(1)
		for _, p := range pts {
			best = math.Min(best, outside(v, p))
		}
		got := v.Meets(a)
		if got {
			met++
		} else {
			missed++
		}
		if got != (best <= 0) {
			close++
		}
		switch {
		case got && best > tol:
			t.Errorf("case %d (seed %d): Meets = true, but the nearest sample is %.2f m outside the sector\nview %s\narea %s", i, seed, best, describeView(v), describeArea(a))
		case !got && best < -tol:
			t.Errorf("case %d (seed %d): Meets = false, but a sample is %.2f m inside the sector\nview %s\narea %s", i, seed, -best, describeView(v), describeArea(a))
		}
	}
	t.Logf("%d cases: %d meet, %d do not, %d disagree with sampling within %.1f m of the boundary, %d invalid areas skipped",
		cases, met, missed, close, tol, skipped)
	// A generator that yields one answer almost always would let a broken Meets pass.
	if met < cases/5 || missed < cases/5 {
		t.Errorf("got %d meeting and %d missing cases of %d, want at least a fifth of each", met, missed, cases)
	}
	if skipped > cases/50 {
		t.Errorf("skipped %d invalid areas of %d, want at most 2%%", skipped, cases)
	}
}

// outside returns how far p is outside v's coverage in metres, or minus how deep inside it is, computed
// in polar form around the camera (distance d, angle off the nearer wedge edge) with the law of cosines.
func outside(v geo.View, p geo.Point) float64 {
	r := v.Radius
	if r == 0 {
		r = 30
	}
	d := sphereDist(v.At, p)
	fov := v.FOV
	if fov == 0 {
		fov = 90
	}
	if v.Direction == nil || fov >= 360 {
		return d - r
	}
	if d == 0 {
		return 0 // the apex is on the wedge's boundary
	}
	half := fov / 2
	off := angleDiff(compass(v.At, p), *v.Direction)
	if off <= half { // in the wedge
		if d > r {
			return d - r
		}
		toEdge := d
		if β := half - off; β < 90 {
			toEdge = d * math.Sin(radians(β))
		}
		return -math.Min(r-d, toEdge)
	}
	α := radians(off - half) // angle past the nearer edge
	switch {
	case α >= math.Pi/2:
		return d // nearest is the apex
	case d*math.Cos(α) <= r:
		return d * math.Sin(α) // nearest is on the edge
	}
	return math.Sqrt(d*d + r*r - 2*d*r*math.Cos(α)) // nearest is the edge's end
}

func randomView(rng *rand.Rand) geo.View {
	v := geo.View{At: geo.Point{Lat: -70 + 140*rng.Float64(), Lon: -180 + 360*rng.Float64()}}
	if rng.IntN(5) > 0 {
		v.Radius = 5 + 35*rng.Float64()
	}
	if rng.IntN(7) > 0 {
		v.Direction = ptr(-360 + 1080*rng.Float64())
	}
	switch rng.IntN(10) {
	case 0: // default
	case 1:
		v.FOV = 360
	case 2:
		v.FOV = 360 + 40*rng.Float64() // Validate refuses it; Meets must still treat it as a disc
	default:
		v.FOV = 1 + 358*rng.Float64()
	}
	return v
}

// randomArea returns an area near v's coverage and sample points covering it at most spacing apart:
// a circle (polar grid), a street or a star-shaped polygon (a fan of triangles from the centre, each
// with a barycentric grid).
func randomArea(rng *rand.Rand, v geo.View, spacing float64) (geo.Area, []geo.Point) {
	reach := v.Radius
	if reach == 0 {
		reach = 30
	}
	// Areas from much smaller to much larger than the coverage, so that polygon edges cross the sector's
	// edges and arc with no vertex inside.
	size := reach * (0.05 + 2.45*rng.Float64())
	c := travel(v.At, 360*rng.Float64(), (reach+size+10)*rng.Float64())
	if rng.IntN(2) == 0 || size < 4 { // smaller polygons can enclose less than Validate's 1 m²
		var pts []geo.Point
		rings := int(math.Ceil(size / spacing))
		for i := 0; i <= rings; i++ {
			ρ := size * float64(i) / float64(rings)
			k := max(1, int(math.Ceil(2*math.Pi*ρ/spacing)))
			for j := range k {
				pts = append(pts, travel(c, 360*float64(j)/float64(k), ρ))
			}
		}
		return geo.Area{Circle: &geo.Circle{Center: c, Radius: size}}, pts
	}
	if rng.IntN(3) == 0 { // a street: a long thin rectangle passing near the camera
		length, width, θ := reach*(2+4*rng.Float64()), 2+8*rng.Float64(), 2*math.Pi*rng.Float64()
		along, across := [2]float64{math.Sin(θ), math.Cos(θ)}, [2]float64{math.Cos(θ), -math.Sin(θ)}
		corner := func(l, w float64) geo.Point {
			return off(c, l*along[0]+w*across[0], l*along[1]+w*across[1])
		}
		pg := geo.Polygon{corner(-length/2, -width/2), corner(length/2, -width/2), corner(length/2, width/2), corner(-length/2, width/2)}
		var pts []geo.Point
		for i := range pg {
			pts = append(pts, fan(c, pg[i], pg[(i+1)%4], spacing)...)
		}
		return geo.Area{Polygon: pg}, pts
	}
	n := 3 + rng.IntN(6)
	// Angles in order, 5° to 170° apart, so the polygon is simple and star-shaped around c.
	angles := make([]float64, n)
	for {
		for i := range angles {
			angles[i] = 360 * rng.Float64()
		}
		sortFloats(angles)
		if lo, hi := gaps(angles); lo >= 5 && hi <= 170 {
			break
		}
	}
	pg := make(geo.Polygon, n)
	for i, θ := range angles {
		pg[i] = travel(c, θ, size*(0.15+0.85*rng.Float64()))
	}
	var pts []geo.Point
	for i := range pg {
		pts = append(pts, fan(c, pg[i], pg[(i+1)%n], spacing)...)
	}
	return geo.Area{Polygon: pg}, pts
}

// fan returns a grid of points covering triangle abc at most spacing apart, interpolating degrees
// (longitudes unwrapped around a), which over tens of metres is a straight-edged triangle to well
// under a millimetre.
func fan(a, b, c geo.Point, spacing float64) []geo.Point {
	longest := math.Max(sphereDist(a, b), math.Max(sphereDist(b, c), sphereDist(c, a)))
	n := max(1, int(math.Ceil(longest/spacing)))
	unwrap := func(lon float64) float64 { return a.Lon + math.Remainder(lon-a.Lon, 360) }
	bLon, cLon := unwrap(b.Lon), unwrap(c.Lon)
	var pts []geo.Point
	for i := 0; i <= n; i++ {
		for j := 0; i+j <= n; j++ {
			u, w := float64(i)/float64(n), float64(j)/float64(n)
			lon := a.Lon + u*(bLon-a.Lon) + w*(cLon-a.Lon)
			pts = append(pts, geo.Point{
				Lat: a.Lat + u*(b.Lat-a.Lat) + w*(c.Lat-a.Lat),
				Lon: math.Remainder(lon, 360),
			})
		}
	}
	return pts
}
