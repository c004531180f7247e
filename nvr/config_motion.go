package nvr

import (
	"fmt"
	"math"
	"time"

	"github.com/porchlight/porchlight/recorder"
	"github.com/porchlight/porchlight/recorder/motion"
	"github.com/porchlight/porchlight/ui"
)

// MotionConfig is a camera's motion detection (the `motion` block of a camera). Omitted keys take the
// values of DefaultMotion.
type MotionConfig struct {
	Enabled     bool      `yaml:"enabled"`
	Sensitivity float64   `yaml:"sensitivity"`  // above 0, at most 1; higher finds smaller motion (0 is an error, see validate)
	MinDuration Duration  `yaml:"min_duration"` // shorter motion raises no event
	PreRoll     Duration  `yaml:"pre_roll"`     // footage before an event that belongs to it
	PostRoll    Duration  `yaml:"post_roll"`    // an event ends this long after the last motion
	Zones       []Polygon `yaml:"zones"`        // motion counts only inside these (none: everywhere)
	Masks       []Polygon `yaml:"masks"`        // and never inside these
	// DecodeKeyframes decodes and compares every keyframe (with ffmpeg), so events open on what the
	// pixels show as well: for a dark, noisy picture in which the compressed stream hides motion.
	DecodeKeyframes bool `yaml:"decode_keyframes,omitempty"`
}

// Polygon is a list of [x, y] points in frame units (0..1, origin top left).
type Polygon [][]float64

// Limits of the motion keys.
const maxMotionDuration = 10 * time.Minute

// DefaultMotion returns the motion settings of a camera that does not set them.
func DefaultMotion() MotionConfig {
	return MotionConfig{Enabled: true, Sensitivity: motion.DefaultSensitivity, MinDuration: Duration(motion.DefaultMinDuration),
		PreRoll: Duration(5 * time.Second), PostRoll: Duration(motion.DefaultPostRoll), Zones: []Polygon{}, Masks: []Polygon{}}
}

func (m *MotionConfig) applyDefaults() { *m = DefaultMotion() }

// validate checks m; its errors start with the key inside the block (`sensitivity: ...`).
func (m *MotionConfig) validate() error {
	// An explicit 0 is refused rather than taken: the detectors read 0 as "not set" (their default, 0.5),
	// so a camera set to 0 would silently detect at middle sensitivity. Off is `enabled: false`.
	if math.IsNaN(m.Sensitivity) || m.Sensitivity <= 0 || m.Sensitivity > 1 {
		return fmt.Errorf("sensitivity: must be above 0 and at most 1 (for the least sensitive use a small value such as 0.05; to turn detection off set enabled: false)")
	}
	for _, d := range []struct {
		key string
		v   Duration
	}{{"min_duration", m.MinDuration}, {"pre_roll", m.PreRoll}, {"post_roll", m.PostRoll}} {
		if d.v < 0 || d.v.Std() > maxMotionDuration {
			return fmt.Errorf("%s: must be between 0s and %v", d.key, maxMotionDuration)
		}
	}
	for _, set := range []struct {
		key   string
		polys []Polygon
	}{{"zones", m.Zones}, {"masks", m.Masks}} {
		for i, p := range set.polys {
			if err := p.validate(); err != nil {
				return fmt.Errorf("%s[%d]%w", set.key, i, err)
			}
		}
	}
	return nil
}

// validate checks a polygon; its errors start with the index of the point at fault (`[2]: ...`), or
// with ": " when the polygon as a whole is at fault.
func (p Polygon) validate() error {
	if len(p) < 3 {
		return fmt.Errorf(": a polygon needs at least 3 points, got %d", len(p))
	}
	for j, pt := range p {
		if len(pt) != 2 {
			return fmt.Errorf("[%d]: a point is [x, y], got %d numbers", j, len(pt))
		}
		for _, v := range pt {
			if v < 0 || v > 1 {
				return fmt.Errorf("[%d]: coordinates must be between 0 and 1 (frame units)", j)
			}
		}
	}
	return nil
}

// recorder translates the block (nil: the defaults) into the recorder's motion config.
func (m *MotionConfig) recorder() recorder.MotionConfig {
	c := DefaultMotion()
	if m != nil {
		c = *m
	}
	return recorder.MotionConfig{Disabled: !c.Enabled,
		Settings: motion.Settings{Sensitivity: c.Sensitivity, MinDuration: c.MinDuration.Std(), PostRoll: c.PostRoll.Std()},
		PreRoll:  c.PreRoll.Std(), PostRoll: c.PostRoll.Std(), Zones: polygons(c.Zones), Masks: polygons(c.Masks),
		DecodeKeyframes: c.DecodeKeyframes}
}

func polygons(ps []Polygon) []recorder.Polygon {
	var out []recorder.Polygon
	for _, p := range ps {
		var rp recorder.Polygon
		for _, pt := range p {
			rp = append(rp, recorder.Point{X: pt[0], Y: pt[1]})
		}
		out = append(out, rp)
	}
	return out
}

// validateHTTPURL checks a snapshot URL without echoing it: it may carry a password.
func validateHTTPURL(s string) error { return validateURL(s, "http", "https") }

// settings is the block (nil: the defaults) as the camera API shows it.
func (m *MotionConfig) settings() ui.MotionSettings {
	c := DefaultMotion()
	if m != nil {
		c = *m
	}
	poly := func(ps []Polygon) [][][]float64 {
		out := make([][][]float64, 0, len(ps))
		for _, p := range ps {
			out = append(out, p)
		}
		return out
	}
	return ui.MotionSettings{Enabled: c.Enabled, Sensitivity: &c.Sensitivity, MinDuration: c.MinDuration.String(),
		PreRoll: c.PreRoll.String(), PostRoll: c.PostRoll.String(), Zones: poly(c.Zones), Masks: poly(c.Masks),
		DecodeKeyframes: c.DecodeKeyframes}
}

// motionFromSettings reads the camera API's motion settings; its errors start with the key. Validate
// checks the values.
func motionFromSettings(s ui.MotionSettings) (MotionConfig, error) {
	m := DefaultMotion()
	m.Enabled, m.DecodeKeyframes = s.Enabled, s.DecodeKeyframes
	if s.Sensitivity != nil {
		m.Sensitivity = *s.Sensitivity
	}
	for _, d := range []struct {
		key string
		v   string
		dst *Duration
	}{{"min_duration", s.MinDuration, &m.MinDuration}, {"pre_roll", s.PreRoll, &m.PreRoll}, {"post_roll", s.PostRoll, &m.PostRoll}} {
		if d.v == "" {
			continue // the default
		}
		if err := d.dst.UnmarshalText([]byte(d.v)); err != nil {
			return m, fmt.Errorf("%s: %w", d.key, err)
		}
	}
	m.Zones, m.Masks = make([]Polygon, 0, len(s.Zones)), make([]Polygon, 0, len(s.Masks))
	for _, p := range s.Zones {
		m.Zones = append(m.Zones, p)
	}
	for _, p := range s.Masks {
		m.Masks = append(m.Masks, p)
	}
	return m, nil
}
