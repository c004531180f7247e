package geo

import "math"

// Meets reports whether the camera's coverage and the area share at least one point (boundaries
// included). It works in the camera's local plane (see the package doc) and is exact there for both
// circles and polygons. Call Validate on both first: for invalid input Meets returns an answer, not a
// panic, but the answer means nothing. An empty Area meets nothing.
func (v View) Meets(a Area) bool {
	s := v.sector()
	switch {
	case a.Circle != nil:
		return s.meetsCircle(project(v.At, a.Circle.Center), a.Circle.Radius)
	case len(a.Polygon) > 0:
		ring := make([]vec, len(a.Polygon))
		for i, p := range a.Polygon {
			ring[i] = project(v.At, p)
		}
		return s.meetsRing(ring)
	}
	return false
}

// sector is a View in its own local plane: apex at the origin, radius r, facing dir (a unit vector) with
// half-angle half (radians), edges from the origin to e1 and e2. A disc has no wedge.
type sector struct {
	r      float64
	disc   bool
	dir    vec
	half   float64
	e1, e2 vec
}

func (v View) sector() sector {
	s := sector{r: v.EffectiveRadius()}
	fov := v.EffectiveFOV()
	if fov >= 360 {
		s.disc = true
		return s
	}
	// Working from the bearing through sin/cos makes 350° and -10° (and 710°) the same direction.
	θ, half := rad(*v.Direction), rad(fov)/2
	s.dir, s.half = unit(θ), half
	s.e1, s.e2 = unit(θ-half).scale(s.r), unit(θ+half).scale(s.r)
	return s
}

// inWedge reports whether p is within the sector's angle, ignoring distance. The apex is in the wedge.
func (s sector) inWedge(p vec) bool {
	if s.disc || p == (vec{}) {
		return true
	}
	return math.Abs(math.Atan2(s.dir.cross(p), s.dir.dot(p))) <= s.half
}

func (s sector) contains(p vec) bool { return p.norm() <= s.r && s.inWedge(p) }

// meetsCircle is exact: if the circle's centre c is in the wedge, the nearest point of the sector lies on
// the ray towards c, so they meet when |c| ≤ r + radius. If c is outside the wedge the nearest point of
// the sector lies on one of its two edges (the nearest point of the arc is then an arc end).
func (s sector) meetsCircle(c vec, radius float64) bool {
	if s.inWedge(c) {
		return c.norm() <= s.r+radius
	}
	var o vec
	return segDist(o, s.e1, c) <= radius || segDist(o, s.e2, c) <= radius
}

// meetsRing is exact: two closed regions meet when one contains a point of the other (a vertex in the
// sector, or the apex in the polygon) or their boundaries cross (a polygon edge crosses a sector edge or
// the arc).
func (s sector) meetsRing(ring []vec) bool {
	var o vec
	if ringContains(ring, o) {
		return true
	}
	for i := range ring {
		a, b := ring[i], ring[(i+1)%len(ring)]
		if s.disc {
			if segDist(a, b, o) <= s.r {
				return true
			}
			continue
		}
		if s.contains(a) || segmentsMeet(a, b, o, s.e1) || segmentsMeet(a, b, o, s.e2) || s.arcMeets(a, b) {
			return true
		}
	}
	return false
}

// arcMeets reports whether segment ab crosses the sector's arc: it solves |a + t(b-a)| = r for t in
// [0, 1] and checks each crossing against the wedge. This is exact, so the arc needs no chords.
func (s sector) arcMeets(a, b vec) bool {
	d := b.sub(a)
	qa, qb, qc := d.dot(d), a.dot(d), a.dot(a)-s.r*s.r
	disc := qb*qb - qa*qc
	if qa == 0 || disc < 0 {
		return false
	}
	sq := math.Sqrt(disc)
	for _, t := range [2]float64{(-qb - sq) / qa, (-qb + sq) / qa} {
		if t >= 0 && t <= 1 && s.inWedge(a.add(d.scale(t))) {
			return true
		}
	}
	return false
}
