package geo

// Area is the place an agency's request covers: a circle (the usual case) or a polygon (a street, a
// park). Exactly one of Circle and Polygon is set.
type Area struct {
	Circle  *Circle
	Polygon Polygon
}

// Validate reports whether exactly one shape is set and that shape is valid. Errors name "circle…" or
// "polygon…", or the area as a whole when neither or both are set.
func (a Area) Validate() error {
	switch {
	case a.Circle != nil && a.Polygon != nil:
		return invalid("", "area has both a circle and a polygon; set exactly one")
	case a.Circle != nil:
		return Within("circle", a.Circle.Validate())
	case a.Polygon != nil:
		return Within("polygon", a.Polygon.Validate())
	}
	return invalid("", "area has neither a circle nor a polygon; set exactly one")
}

// AreaSqMi returns the area's size in square miles, the unit of an agency's cap; 0 for an empty Area.
func (a Area) AreaSqMi() float64 {
	if a.Circle != nil {
		return a.Circle.AreaSqMi()
	}
	return a.Polygon.AreaSqMi()
}

// Within reports whether the whole area lies inside scope (boundaries may touch). For a circle that is
// distance(centres) + r ≤ R. For a polygon it is every vertex inside scope: a disc is convex, so it then
// holds the edges too. An empty Area is within nothing.
func (a Area) Within(scope Circle) bool {
	if a.Circle != nil {
		return Distance(a.Circle.Center, scope.Center)+a.Circle.Radius <= scope.Radius
	}
	if len(a.Polygon) == 0 {
		return false
	}
	for _, p := range a.Polygon {
		if !scope.Contains(p) {
			return false
		}
	}
	return true
}

// Center returns the circle's centre or the polygon's centroid (which can lie outside a concave
// polygon); the zero Point for an empty Area.
func (a Area) Center() Point {
	switch {
	case a.Circle != nil:
		return a.Circle.Center
	case len(a.Polygon) > 0:
		return a.Polygon.Centroid()
	}
	return Point{}
}
