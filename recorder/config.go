package recorder

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/porchlight/porchlight/recorder/onvif"
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
	// SnapshotURL is the camera's still picture (http or https, credentials in the URL), for event
	// snapshots when ffmpeg is missing; "" = none (an ONVIF camera's GetSnapshotUri is asked then).
	SnapshotURL string
	// ONVIF is the camera's ONVIF device, for its own motion events; nil = none.
	ONVIF *ONVIFConfig
}

// Limits bound how much footage is kept. Zero means no limit.
type Limits struct {
	MaxAge time.Duration
	// EventsMaxAge is how long footage inside events (with their pre- and post-roll) is kept: segments
	// that overlap an event outlive MaxAge until then. 0 = as long as MaxAge; it may not be shorter. It
	// only lengthens MaxAge: without a MaxAge there is no age limit at all.
	EventsMaxAge time.Duration
	MaxBytes     int64
}

// validate checks limits; name is the config path of their owner ("retention", "cameras[0].retention").
func (l Limits) validate(name string) error {
	switch {
	case l.MaxAge < 0:
		return fmt.Errorf("recorder: %s.max_age: must not be negative", name)
	case l.EventsMaxAge < 0:
		return fmt.Errorf("recorder: %s.events_max_age: must not be negative", name)
	case l.MaxBytes < 0:
		return fmt.Errorf("recorder: %s.max_bytes: must not be negative", name)
	case l.EventsMaxAge > 0 && l.MaxAge > 0 && l.EventsMaxAge < l.MaxAge:
		return fmt.Errorf("recorder: %s.events_max_age (%s): must not be shorter than max_age (%s)", name, l.EventsMaxAge, l.MaxAge)
	}
	return nil
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
	if err := c.Retention.validate("retention"); err != nil {
		return err
	}
	seen := map[string]bool{}
	for i, cam := range c.Cameras {
		if err := cam.Retention.validate(fmt.Sprintf("cameras[%d].retention", i)); err != nil {
			return err
		}
		if cam.Name == "" {
			return fmt.Errorf("recorder: cameras[%d]: name is required", i)
		}
		if seen[cam.Name] {
			return fmt.Errorf("recorder: cameras[%d]: duplicate name %q", i, cam.Name)
		}
		seen[cam.Name] = true
		if cam.ONVIF != nil {
			if _, err := onvif.NewClient(cam.ONVIF.URL, "", ""); err != nil {
				return fmt.Errorf("recorder: cameras[%d].onvif.url: %s", i, strings.TrimPrefix(err.Error(), "onvif: device URL: "))
			}
		}
		if err := cam.Motion.validate(); err != nil {
			return fmt.Errorf("recorder: cameras[%d]: %w", i, err)
		}
	}
	return nil
}
