package recorder

import (
	"fmt"
	"math"
	"time"

	"github.com/porchlight/porchlight/recorder/motion"
)

// MotionConfig is a camera's motion detection. The zero value detects with the detector's defaults.
type MotionConfig struct {
	Disabled bool            // no detection, no motion events
	Settings motion.Settings // sensitivity, minimum duration, and how long after the last motion an event closes
	// PreRoll and PostRoll are the footage around an event that belongs to it: playing an event starts
	// PreRoll before it, and retention keeps [start-PreRoll, end+PostRoll] as event footage.
	PreRoll, PostRoll time.Duration
	// Zones and Masks are polygons in frame units (0..1, origin top left): motion counts only inside a
	// zone (none: everywhere) and outside every mask. The compressed-domain stage sees whole frames; the
	// keyframe stage applies them.
	Zones, Masks []Polygon
	// DecodeKeyframes has the keyframe stage decode and compare every keyframe, not only while the
	// compressed stage suspects motion, and open events on what it sees: motion in a dark, noisy picture
	// that the compressed stage cannot tell from the noise (x264 at night, BENCHMARKS.md) is found too,
	// within about a GOP. It costs a keyframe decode per GOP (5–18 ms of CPU each, by resolution) and
	// needs ffmpeg; without it nothing changes.
	DecodeKeyframes bool
}

// Point is a place in a frame, in frame units: X from the left, Y from the top, each 0..1.
type Point struct{ X, Y float64 }

// Polygon is a closed shape of at least three points.
type Polygon []Point

// validate reports the first problem of m, naming the field.
func (m MotionConfig) validate() error {
	if s := m.Settings.Sensitivity; math.IsNaN(s) || s < 0 || s > 1 {
		return fmt.Errorf("motion sensitivity %g: must be between 0 and 1", s)
	}
	if m.Settings.MinDuration < 0 || m.Settings.PostRoll < 0 || m.PreRoll < 0 || m.PostRoll < 0 {
		return fmt.Errorf("motion durations must not be negative")
	}
	for name, polys := range map[string][]Polygon{"zones": m.Zones, "masks": m.Masks} {
		for i, p := range polys {
			if err := p.validate(); err != nil {
				return fmt.Errorf("motion %s[%d]: %w", name, i, err)
			}
		}
	}
	return nil
}

func (p Polygon) validate() error {
	if len(p) < 3 {
		return fmt.Errorf("a polygon needs at least 3 points, got %d", len(p))
	}
	for i, pt := range p {
		if !(pt.X >= 0 && pt.X <= 1 && pt.Y >= 0 && pt.Y <= 1) {
			return fmt.Errorf("point %d (%g, %g) is outside 0..1", i, pt.X, pt.Y)
		}
	}
	return nil
}
