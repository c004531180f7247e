package geo_test

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/porchlight/porchlight/federation/geo"
)

func describeView(v geo.View) string {
	dir := "none"
	if v.Direction != nil {
		dir = fmt.Sprintf("%g°", *v.Direction)
	}
	return fmt.Sprintf("at %v radius %g m direction %s fov %g°", v.At, v.Radius, dir, v.FOV)
}

func describeArea(a geo.Area) string {
	if a.Circle != nil {
		return fmt.Sprintf("circle at %v radius %g m", a.Circle.Center, a.Circle.Radius)
	}
	parts := make([]string, len(a.Polygon))
	for i, p := range a.Polygon {
		parts[i] = p.String()
	}
	return "polygon " + strings.Join(parts, " ")
}

func sortFloats(f []float64) { slices.Sort(f) }

// gaps returns the smallest and largest difference between neighbouring sorted angles, around the
// circle.
func gaps(sorted []float64) (lo, hi float64) {
	lo = 360 - sorted[len(sorted)-1] + sorted[0]
	hi = lo
	for i := 1; i < len(sorted); i++ {
		lo = math.Min(lo, sorted[i]-sorted[i-1])
		hi = math.Max(hi, sorted[i]-sorted[i-1])
	}
	return lo, hi
}
