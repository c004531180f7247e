// Package geo is the geometry behind agency footage requests: where a request asks for footage (an Area),
// where an agency may ask (its scope, a Circle), and whether one of a home's cameras looks at the area
// (a View). It is pure computation — no I/O, no clock, no network — so a home can answer "does my camera
// see this?" locally, without telling anyone where its cameras are.
//
// # Model
//
// Positions are Points in degrees on a sphere of radius EarthRadius; distances are great-circle
// distances (Distance, haversine). An Area is a Circle (centre and radius in metres) or a simple
// Polygon of 3 to 64 vertices. A credential's scope is a Circle, and Area.Within checks that a request
// lies wholly inside it; Area.AreaSqMi is compared with the credential's cap on the request size.
//
// A camera's coverage is a View: a circular sector with its apex at the camera, its radius the distance
// the camera usefully sees (DefaultViewRadius when unset), centred on the camera's compass direction with
// the camera's field of view (DefaultFOV when unset). A camera without a direction, or with a field of
// view of 360°, covers a whole disc. View.Meets reports whether coverage and area share any point.
//
// Every Validate error wraps ErrInvalid and is a *FieldError naming the field ("circle.radius",
// "polygon[2].lat"); callers put their own key in front with Within.
//
// # Approximations
//
// The Earth is a sphere: distances are within 0.5% of the WGS 84 ellipsoid's, which is much less than
// the uncertainty of where a camera is and how far it sees.
//
// Shapes are compared in a local plane: metres east and north of an origin, by the azimuthal
// equidistant projection (each point keeps its exact great-circle distance and bearing from the origin).
// View.Meets uses a plane centred on the camera, so "within the radius" and "within the field of view"
// agree exactly with Distance and the compass bearing; a polygon's area, containment and centroid use a
// plane centred on the polygon. Other lengths are stretched by at most a factor 1 + (d/EarthRadius)²/6
// at distance d from the origin: about 1e-9 at 600 m, 1e-5 at MaxRadius (50 km). Polygon edges are straight
// lines in that plane rather than great-circle arcs; over a few miles the two differ by millimetres.
// This is at least as accurate as the equirectangular projection one might expect here, and it stays
// correct across the antimeridian. Near the poles (beyond about ±89.9°) the compass itself is ill
// defined; the answers there are consistent but not meaningful.
//
// Within these planes the checks are exact, not sampled: a circle meets a sector when its centre is in
// the sector's wedge and within the sum of the radii, or it meets one of the sector's two straight
// edges; a polygon meets a sector when a vertex is in the sector, the camera is in the polygon, or an
// edge crosses a sector edge or the arc (found by solving for where the edge is at the sector's radius,
// so the arc is not approximated by chords). Directions wrap around 0°/360°; boundaries count as inside.
//
// geo imports only the standard library and nothing else in Porchlight.
package geo
