package recorder

import (
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// Config is what a Recorder needs. nvr fills it from the config file; zero durations take the defaults
// documented on each field.
type Config struct {
	DataDir         string         // holds index.db and recordings/
	Cameras         []CameraConfig // the cameras to record
	SegmentDuration time.Duration  // segments are cut at the first keyframe after this; 0 = 60s
	PartDuration    time.Duration  // media is written at least this often (one writev), at most 1s; 0 = 1s
	// FragmentDuration bounds one moof+mdat part: what the live view receives at a time and the index's
	// granularity; several parts go to disk in one write. 0 = 250ms; at most PartDuration.
	FragmentDuration time.Duration
	FsyncInterval    time.Duration // fsync (then index) at most this often; 0 = every part
	QueueDuration    time.Duration // media a stream may buffer while the disk is slow; 0 = 8s
	Retention        Limits        // limits over all cameras
	MinFree          int64         // free-space floor of the data dir's filesystem, bytes; 0 = none
	// KeepRecent is the floor of recent footage: deletions for free space (MinFree, or a write that
	// failed on a full disk) never take the newest KeepRecent of a stream. MaxAge and MaxBytes still
	// apply. 0 = DefaultKeepRecent; negative = no floor.
	KeepRecent time.Duration
	// RetentionInterval is how often retention runs besides on a full disk; 0 = 10s.
	RetentionInterval time.Duration
	BackoffMin        time.Duration // first reconnect delay; 0 = 1s
	BackoffMax        time.Duration // longest reconnect delay; 0 = 30s
	ReadTimeout       time.Duration // RTSP read timeout; 0 = 10s
	Logger            *slog.Logger  // nil = discard
	Now               func() time.Time
}

// CameraConfig is one camera.
type CameraConfig struct {
	Name      string
	URL       string // rtsp:// or rtsps://, credentials in the URL
	SubURL    string // optional sub-stream, recorded as stream "sub"
	Transport string // "tcp" (default) or "udp"
	Disabled  bool
	Retention Limits       // per-camera limits, applied besides the global ones
	Motion    MotionConfig // motion detection on the main stream; changes apply without a restart
}

// Limits bound how much footage is kept. Zero means no limit.
type Limits struct {
	MaxAge   time.Duration
	MaxBytes int64
	// EventsMaxAge is how long footage inside events (with their pre- and post-roll) is kept, when longer
	// than MaxAge; zero: as long as other footage.
	EventsMaxAge time.Duration
}

func (c *Config) setDefaults() {
	def := func(d *time.Duration, v time.Duration) {
		if *d == 0 {
			*d = v
		}
	}
	def(&c.SegmentDuration, 60*time.Second)
	def(&c.PartDuration, time.Second)
	def(&c.FragmentDuration, 250*time.Millisecond)
	def(&c.QueueDuration, 8*time.Second)
	def(&c.RetentionInterval, 10*time.Second)
	def(&c.BackoffMin, time.Second)
	def(&c.BackoffMax, 30*time.Second)
	def(&c.ReadTimeout, 10*time.Second)
	def(&c.KeepRecent, DefaultKeepRecent)
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
}

func (c *Config) validate() error {
	if c.DataDir == "" {
		return errors.New("recorder: data dir is required")
	}
	if c.PartDuration > time.Second {
		return fmt.Errorf("recorder: part duration %s exceeds 1s", c.PartDuration)
	}
	seen := map[string]bool{}
	for i, cam := range c.Cameras {
		if cam.Name == "" {
			return fmt.Errorf("recorder: cameras[%d]: name is required", i)
		}
		if seen[cam.Name] {
			return fmt.Errorf("recorder: cameras[%d]: duplicate name %q", i, cam.Name)
		}
		seen[cam.Name] = true
		if err := cam.Motion.validate(); err != nil {
			return fmt.Errorf("recorder: cameras[%d]: %w", i, err)
		}
	}
	return nil
}
