package geo

import (
	"math"
	"strconv"
)

// Polygon limits: fewer than 3 vertices has no area; more than 64 is more detail than a street-level
// request needs and keeps the O(n²) self-intersection check trivial.
const (
	MinPolygonVertices = 3
	MaxPolygonVertices = 64
	// minPolygonArea is the smallest area, in m², that counts as "non-zero": below it the polygon is a
	// line or a point with rounding noise.
	minPolygonArea = 1.0
)

// Polygon is a simple polygon given by its vertices in order (either direction), without repeating the
// first vertex at the end. Its edges are straight lines in the local plane around its centre (see the
// package doc), which for polygons a few miles across is indistinguishable from great-circle edges.
type Polygon []Point

// Validate reports whether the polygon has 3 to 64 valid vertices, all within MaxRadius of its centre,
// no repeated consecutive vertex, an area of at least 1 m² and no edges that cross or touch other than
// neighbours at their shared vertex. Errors name the vertex ("[3].lat", "[3]") or the whole polygon.
func (pg Polygon) Validate() error {
	n := len(pg)
	if n < MinPolygonVertices || n > MaxPolygonVertices {
		return invalid("", "polygon has %d vertices; want %d to %d", n, MinPolygonVertices, MaxPolygonVertices)
	}
	for i, p := range pg {
		if err := p.Validate(); err != nil {
			return Within(index(i), err)
		}
	}
	o := pg.origin()
	ring := pg.ring(o)
	for i, p := range pg {
		if d := Distance(o, p); d > MaxRadius {
			return invalid(index(i), "vertex is %.0f m from the polygon's centre; at most %d m allowed", d, MaxRadius)
		}
		if p == pg[(i+n-1)%n] {
			return invalid(index(i), "vertex repeats the one before it (do not close the ring by repeating the first vertex)")
		}
	}
	// Crossings first: a symmetric bow tie has a signed area of zero, and "no area" would mislead.
	if i, j, ok := selfIntersection(ring); ok {
		return invalid("", "polygon edges %s and %s cross or overlap", edgeName(i, n), edgeName(j, n))
	}
	if a := math.Abs(ringArea(ring)); a < minPolygonArea {
		return invalid("", "polygon encloses less than %v m²", minPolygonArea)
	}
	return nil
}

// AreaSqMi returns the polygon's area in square miles, computed with the shoelace formula in the local
// plane around the polygon's centre. For a polygon a few miles across the error is far below 0.01%.
func (pg Polygon) AreaSqMi() float64 {
	if len(pg) < 3 {
		return 0
	}
	return math.Abs(ringArea(pg.ring(pg.origin()))) / SqMi
}

// Contains reports whether p lies inside the polygon or on its boundary (even-odd rule, so a polygon
// that fails Validate still gets an answer, just not a meaningful one).
func (pg Polygon) Contains(p Point) bool {
	if len(pg) < 3 {
		return false
	}
	o := pg.origin()
	return ringContains(pg.ring(o), project(o, p))
}

// Centroid returns the polygon's centre of area. It can lie outside a concave polygon.
func (pg Polygon) Centroid() Point {
	o := pg.origin()
	ring := pg.ring(o)
	a := ringArea(ring)
	if len(pg) < 3 || a == 0 {
		return o
	}
	var c vec
	for i := range ring {
		p, q := ring[i], ring[(i+1)%len(ring)]
		c = c.add(p.add(q).scale(p.cross(q)))
	}
	return unproject(o, c.scale(1/(6*a)))
}

// origin returns the normalised mean of the vertices as unit vectors: the vertex centre, well defined
// across the antimeridian, and the origin of the polygon's local plane.
func (pg Polygon) origin() Point {
	var x, y, z float64
	for _, p := range pg {
		φ, λ := rad(p.Lat), rad(p.Lon)
		x += math.Cos(φ) * math.Cos(λ)
		y += math.Cos(φ) * math.Sin(λ)
		z += math.Sin(φ)
	}
	return Point{Lat: deg(math.Atan2(z, math.Hypot(x, y))), Lon: deg(math.Atan2(y, x))}
}

// ring returns the vertices projected into the local plane around o.
func (pg Polygon) ring(o Point) []vec {
	ring := make([]vec, len(pg))
	for i, p := range pg {
		ring[i] = project(o, p)
	}
	return ring
}

// selfIntersection returns the first pair of edges (edge i runs from vertex i to i+1) that meet where
// they should not: non-neighbours that share any point, or neighbours that overlap beyond their shared
// vertex (the ring folds back on itself).
func selfIntersection(ring []vec) (int, int, bool) {
	n := len(ring)
	for i := 0; i < n; i++ {
		a, b := ring[i], ring[(i+1)%n]
		for j := i + 1; j < n; j++ {
			c, d := ring[j], ring[(j+1)%n]
			switch {
			case j == i+1: // b == c is shared
				if foldsBack(a, b, d) {
					return i, j, true
				}
			case i == 0 && j == n-1: // d == a is shared
				if foldsBack(c, a, b) {
					return i, j, true
				}
			default:
				if segmentsMeet(a, b, c, d) {
					return i, j, true
				}
			}
		}
	}
	return 0, 0, false
}

func index(i int) string { return "[" + strconv.Itoa(i) + "]" }

func edgeName(i, n int) string { return strconv.Itoa(i) + "-" + strconv.Itoa((i+1)%n) }

// foldsBack reports whether the ring turns back on itself at b, coming from a and going to c: both
// edges leave b in the same direction, so they overlap. Projected coordinates are never exactly
// collinear, hence the tolerance (about 1e-9 rad).
func foldsBack(a, b, c vec) bool {
	u, w := a.sub(b), c.sub(b)
	return u.dot(w) > 0 && math.Abs(u.cross(w)) <= 1e-9*u.norm()*w.norm()
}
