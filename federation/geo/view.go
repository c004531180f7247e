package geo

// Defaults for the optional fields of a View.
const (
	// DefaultViewRadius is how far, in metres, a camera is taken to see when its View has no Radius:
	// about the depth at which a typical doorbell or porch camera still shows a person usefully.
	DefaultViewRadius = 30
	// DefaultFOV is the horizontal field of view, in degrees, of a directed camera whose View has no FOV.
	DefaultFOV = 90
)

// View is what one camera covers: a circular sector with its apex at the camera, or a whole disc when the
// camera's direction is unknown or it sees all around.
type View struct {
	// At is where the camera is.
	At Point
	// Radius is how far the camera sees, in metres; 0 means DefaultViewRadius.
	Radius float64
	// Direction is where the camera looks, in degrees clockwise from north (any finite value; it is
	// taken modulo 360). nil means the camera sees all around.
	Direction *float64
	// FOV is the horizontal field of view in degrees, centred on Direction; 0 means DefaultFOV, 360 a
	// full circle. It is ignored when Direction is nil.
	FOV float64
}

// Validate reports whether the camera's position is valid, Radius is 0 (default) or a positive distance
// up to MaxRadius, Direction is finite and FOV is 0 (default) or in (0, 360]. Errors name "at.lat",
// "at.lon", "radius", "direction" or "fov".
func (v View) Validate() error {
	if err := v.At.Validate(); err != nil {
		return Within("at", err)
	}
	if !finite(v.Radius) || v.Radius < 0 {
		return invalid("radius", "%v m is not a distance (0 means %d m)", v.Radius, DefaultViewRadius)
	}
	if v.Radius > MaxRadius {
		return invalid("radius", "%v m is more than the largest allowed, %d m", v.Radius, MaxRadius)
	}
	if v.Direction != nil && !finite(*v.Direction) {
		return invalid("direction", "%v is not a compass direction in degrees", *v.Direction)
	}
	if !finite(v.FOV) || v.FOV < 0 || v.FOV > 360 {
		return invalid("fov", "%v° is not a field of view in (0, 360] (0 means %d°)", v.FOV, DefaultFOV)
	}
	return nil
}

// EffectiveRadius returns Radius, or DefaultViewRadius when Radius is 0.
func (v View) EffectiveRadius() float64 {
	if v.Radius == 0 {
		return DefaultViewRadius
	}
	return v.Radius
}

// EffectiveFOV returns FOV, or DefaultFOV when FOV is 0; 360 when Direction is nil.
func (v View) EffectiveFOV() float64 {
	switch {
	case v.Direction == nil:
		return 360
	case v.FOV == 0:
		return DefaultFOV
	}
	return v.FOV
}
