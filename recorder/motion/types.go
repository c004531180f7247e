package motion

import (
	"time"
)

// Frame is what the detector sees of one video access unit: no pixels.
type Frame struct {
	Time time.Time // wall time of the frame
	Key  bool      // a random access point (IDR, or IRAP for H.265)
	// Size is the bytes of the coded picture's slice NAL units (parameter sets, SEI and delimiters
	// excluded).
	Size int
	// NALUs are the access unit's NAL units without start codes. They are read-only and valid only during
	// Observe.
	NALUs [][]byte
}

// Settings tune a detector; zero fields take the defaults named on each.
type Settings struct {
	Sensitivity float64 // 0..1; higher finds smaller motion. 0 = 0.5
	// MinDuration: motion shorter than this raises no event. The event opens when motion has lasted this
	// long (Change.Start is back-dated to its start), so it is most of the open latency. 0 = 1s.
	MinDuration time.Duration
	PostRoll    time.Duration // an event closes after this long without motion. 0 = 10s
}

// Defaults for zero Settings fields.
const (
	DefaultSensitivity = 0.5
	DefaultMinDuration = time.Second
	DefaultPostRoll    = 10 * time.Second
)

func (s Settings) withDefaults() Settings {
	if s.Sensitivity <= 0 {
		s.Sensitivity = DefaultSensitivity
	}
	if s.MinDuration <= 0 {
		s.MinDuration = DefaultMinDuration
	}
	if s.PostRoll <= 0 {
		s.PostRoll = DefaultPostRoll
	}
	return s
}

// ChangeKind says whether an event opened or closed.
type ChangeKind int

// The kinds of Change.
const (
	Opened ChangeKind = iota + 1
	Closed
)

// Change is an event opening or closing.
type Change struct {
	Kind  ChangeKind
	Start time.Time // when the motion began (before the frame that opened the event)
	End   time.Time // Closed: the last frame with motion
	Score float64   // 0..1, the strongest motion so far
}
