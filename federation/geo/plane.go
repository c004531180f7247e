package geo

import "math"

// vec is a position in a local plane, in metres east (X) and north (Y) of the plane's origin.
type vec struct{ X, Y float64 }

func (a vec) sub(b vec) vec       { return vec{a.X - b.X, a.Y - b.Y} }
func (a vec) add(b vec) vec       { return vec{a.X + b.X, a.Y + b.Y} }
func (a vec) scale(k float64) vec { return vec{a.X * k, a.Y * k} }
func (a vec) dot(b vec) float64   { return a.X*b.X + a.Y*b.Y }
func (a vec) cross(b vec) float64 { return a.X*b.Y - a.Y*b.X }
func (a vec) norm() float64       { return math.Hypot(a.X, a.Y) }
func unit(θ float64) vec          { return vec{math.Sin(θ), math.Cos(θ)} } // bearing θ → east/north
func (a vec) bearing() float64    { return math.Atan2(a.X, a.Y) }

// project maps p into the plane tangent at origin with the azimuthal equidistant projection: p lands at
// its great-circle distance from origin, in the direction of its initial bearing. Distances and
// bearings from the origin are therefore exact; everything else is distorted by a factor of at most
// 1 + (d/EarthRadius)²/6, about 1e-5 at 50 km.
func project(origin, p Point) vec {
	return unit(bearing(origin, p)).scale(Distance(origin, p))
}

// unproject is the inverse of project.
func unproject(origin Point, v vec) Point {
	return destination(origin, v.bearing(), v.norm())
}

// segDist returns the distance from p to the segment ab.
func segDist(a, b, p vec) float64 {
	ab := b.sub(a)
	l2 := ab.dot(ab)
	if l2 == 0 {
		return p.sub(a).norm()
	}
	t := math.Max(0, math.Min(1, p.sub(a).dot(ab)/l2))
	return p.sub(a.add(ab.scale(t))).norm()
}

// orient returns the sign of the turn a→b→c: 1 counter-clockwise, -1 clockwise, 0 collinear.
func orient(a, b, c vec) int {
	switch x := b.sub(a).cross(c.sub(a)); {
	case x > 0:
		return 1
	case x < 0:
		return -1
	}
	return 0
}

// onSegment reports whether p, already known to be collinear with ab, lies within its bounding box.
func onSegment(a, b, p vec) bool {
	return math.Min(a.X, b.X) <= p.X && p.X <= math.Max(a.X, b.X) &&
		math.Min(a.Y, b.Y) <= p.Y && p.Y <= math.Max(a.Y, b.Y)
}

// segmentsMeet reports whether the closed segments ab and cd share at least one point.
func segmentsMeet(a, b, c, d vec) bool {
	o1, o2, o3, o4 := orient(a, b, c), orient(a, b, d), orient(c, d, a), orient(c, d, b)
	if o1 != o2 && o3 != o4 {
		return true
	}
	return o1 == 0 && onSegment(a, b, c) || o2 == 0 && onSegment(a, b, d) ||
		o3 == 0 && onSegment(c, d, a) || o4 == 0 && onSegment(c, d, b)
}

// ringContains reports whether p lies inside or on the boundary of the closed ring (even-odd rule).
func ringContains(ring []vec, p vec) bool {
	const onEdge = 1e-6 // metres; closer than this to an edge counts as on it
	in := false
	for i := range ring {
		a, b := ring[i], ring[(i+1)%len(ring)]
		if segDist(a, b, p) <= onEdge {
			return true
		}
		if (a.Y > p.Y) != (b.Y > p.Y) && p.X < a.X+(p.Y-a.Y)*(b.X-a.X)/(b.Y-a.Y) {
			in = !in
		}
	}
	return in
}

// ringArea returns the signed area of the ring in square metres (shoelace; positive when
// counter-clockwise in the east/north plane).
func ringArea(ring []vec) float64 {
	var s float64
	for i := range ring {
		s += ring[i].cross(ring[(i+1)%len(ring)])
	}
	return s / 2
}
