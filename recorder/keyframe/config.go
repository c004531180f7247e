package keyframe

import (
	"fmt"
	"log/slog"
	"time"
)

// Polygon is a closed polygon in frame units: x and y in 0..1 from the top-left corner, as the config's
// motion.zones and motion.masks hold them.
type Polygon [][2]float64

// Config configures one camera's Stage. Zero fields take the defaults named on each.
type Config struct {
	Camera string // for logs and errors
	Codec  string // "H264" or "H265" (the recorder's names)
	// Zones: motion counts only inside them; none means the whole frame.
	Zones []Polygon
	// Masks: motion inside them never counts, even inside a zone.
	Masks []Polygon
	// Sensitivity 0..1: higher takes a smaller changed area as motion. 0 = 0.5.
	Sensitivity float64

	FFmpeg string       // the ffmpeg binary; "" = "ffmpeg" looked up on PATH
	Width  int          // width of the compared gray frame; 0 = 160 (height keeps the aspect)
	Logger *slog.Logger // nil = slog.Default()

	// Deadline per keyframe: a process that has not answered by then is killed. 0 = 5s.
	Deadline time.Duration
	// IdleStop: the process stops after this long without a keyframe. 0 = 30s.
	IdleStop time.Duration
	// BackoffMin and BackoffMax bound the restart delay after ffmpeg crashes. 0 = 500ms and 30s.
	BackoffMin, BackoffMax time.Duration
	// Queue is how many keyframes may wait for the process; more are shed. 0 = 2.
	Queue int
}

// Defaults for zero Config fields.
const (
	DefaultWidth       = 160
	DefaultDeadline    = 5 * time.Second
	DefaultIdleStop    = 30 * time.Second
	DefaultBackoffMin  = 500 * time.Millisecond
	DefaultBackoffMax  = 30 * time.Second
	DefaultQueue       = 2
	DefaultSensitivity = 0.5
)

func (c Config) withDefaults() Config {
	if c.FFmpeg == "" {
		c.FFmpeg = "ffmpeg"
	}
	if c.Width == 0 {
		c.Width = DefaultWidth
	}
	if c.Sensitivity == 0 {
		c.Sensitivity = DefaultSensitivity
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.Deadline == 0 {
		c.Deadline = DefaultDeadline
	}
	if c.IdleStop == 0 {
		c.IdleStop = DefaultIdleStop
	}
	if c.BackoffMin == 0 {
		c.BackoffMin = DefaultBackoffMin
	}
	if c.BackoffMax == 0 {
		c.BackoffMax = DefaultBackoffMax
	}
	if c.Queue == 0 {
		c.Queue = DefaultQueue
	}
	return c
}

// Validate reports the first bad field, named by its config key (motion.zones[1][2], …).
func (c Config) Validate() error {
	if _, err := demuxer(c.Codec); err != nil {
		return err
	}
	if c.Sensitivity < 0 || c.Sensitivity > 1 {
		return fmt.Errorf("motion.sensitivity: %v is outside 0..1", c.Sensitivity)
	}
	if c.Width < 0 || c.Width%2 != 0 || c.Width > 1920 {
		return fmt.Errorf("keyframe width: %d must be even and at most 1920", c.Width)
	}
	if err := validatePolygons("motion.zones", c.Zones); err != nil {
		return err
	}
	return validatePolygons("motion.masks", c.Masks)
}

// ValidatePolygons checks polygons as the config key key holds them: at least three points each, every
// coordinate in 0..1. The error names the key and the point.
func ValidatePolygons(key string, ps []Polygon) error { return validatePolygons(key, ps) }

func validatePolygons(key string, ps []Polygon) error {
	for i, p := range ps {
		if len(p) < 3 {
			return fmt.Errorf("%s[%d]: a polygon needs at least 3 points, got %d", key, i, len(p))
		}
		for j, pt := range p {
			for _, v := range pt {
				if !(v >= 0 && v <= 1) { // also refuses NaN
					return fmt.Errorf("%s[%d][%d]: coordinates must be in 0..1 frame units, got [%v, %v]", key, i, j, pt[0], pt[1])
				}
			}
		}
	}
	return nil
}

// demuxer maps the recorder's codec name to ffmpeg's raw demuxer.
func demuxer(codec string) (string, error) {
	switch codec {
	case "H264":
		return "h264", nil
	case "H265":
		return "hevc", nil
	}
	return "", fmt.Errorf("codec: %q has no keyframe stage (want H264 or H265)", codec)
}
