package nvr

import (
	"fmt"
	"math"
	"net"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/porchlight/porchlight/federation/geo"
)

// Limits of the values Validate accepts.
const (
	maxNameLen         = 64
	maxViewRadius      = 2000 // metres: a camera that sees farther is not a porch camera
	minPartDuration    = 100 * time.Millisecond
	maxPartDuration    = time.Second
	minSegmentDuration = time.Second
	maxSegmentDuration = time.Hour
	maxFsyncInterval   = time.Minute
	minQueue           = time.Second
	maxQueue           = time.Minute
)

var cameraNameRE = regexp.MustCompile(`^[a-z0-9_-]{1,32}$`)

// Validate checks c and returns the first problem found, starting with the key it concerns.
func (c *Config) Validate() error {
	switch {
	case c.Version == 0:
		return fmt.Errorf("version: required")
	case c.Version > CurrentVersion:
		return fmt.Errorf("version: format %d; this porchlight knows up to %d: upgrade porchlight", c.Version, CurrentVersion)
	case c.Version != CurrentVersion:
		return fmt.Errorf("version: unsupported version %d (this build reads %d)", c.Version, CurrentVersion)
	}
	if err := validateName(c.Name); err != nil {
		return fmt.Errorf("name: %w", err)
	}
	if err := c.Role.Validate(); err != nil {
		return fmt.Errorf("role: %w", err)
	}
	if c.DataPath == "" {
		return fmt.Errorf("data_dir: required")
	}
	if strings.ContainsRune(c.DataPath, 0) {
		return fmt.Errorf("data_dir: must not contain NUL")
	}
	if err := c.LogLevel.Validate(); err != nil {
		return fmt.Errorf("log_level: %w", err)
	}
	if err := validateListen(c.HTTP.Listen); err != nil {
		return fmt.Errorf("http.listen: %w", err)
	}
	switch {
	case c.HTTP.TLSCert != "" && c.HTTP.TLSKey == "":
		return fmt.Errorf("http.tls_key: required with http.tls_cert")
	case c.HTTP.TLSKey != "" && c.HTTP.TLSCert == "":
		return fmt.Errorf("http.tls_cert: required with http.tls_key")
	case c.HTTP.TLSCert != "" && !c.HTTP.TLS:
		return fmt.Errorf("http.tls_cert: set http.tls: true to serve HTTPS")
	}
	if err := c.HTTP.validateProxy(); err != nil {
		return err
	}
	for i, a := range c.P2P.Listen {
		if err := validateMultiaddr(a); err != nil {
			return fmt.Errorf("p2p.listen[%d]: %w", i, err)
		}
	}
	if err := c.Storage.validate(); err != nil {
		return err
	}
	if err := c.Discovery.validate(); err != nil {
		return err
	}
	if err := c.Restream.validate(); err != nil {
		return err
	}
	if err := c.Backup.validate(); err != nil {
		return err
	}
	if err := c.Retention.validate(c.Storage.SegmentDuration); err != nil {
		return err
	}
	if err := c.MQTT.validate(); err != nil {
		return err
	}
	names := make(map[string]bool, len(c.Cameras))
	for i := range c.Cameras {
		cam := &c.Cameras[i]
		if err := cam.validate(c.Storage.SegmentDuration); err != nil {
			return fmt.Errorf("cameras[%d].%w", i, err)
		}
		if names[cam.Name] {
			return fmt.Errorf("cameras[%d].name: duplicate name %q", i, cam.Name)
		}
		names[cam.Name] = true
	}
	return c.validateNotify()
}

func (s *StorageConfig) validate() error {
	checks := []struct {
		key      string
		v        Duration
		min, max time.Duration
	}{
		{"storage.segment_duration", s.SegmentDuration, minSegmentDuration, maxSegmentDuration},
		{"storage.part_duration", s.PartDuration, minPartDuration, maxPartDuration},
		{"storage.fsync_interval", s.FsyncInterval, 0, maxFsyncInterval},
		{"storage.queue", s.Queue, minQueue, maxQueue},
	}
	for _, c := range checks {
		if c.v.Std() < c.min || c.v.Std() > c.max {
			return fmt.Errorf("%s: must be between %v and %v", c.key, Duration(c.min), Duration(c.max))
		}
	}
	return nil
}

func (r *RetentionConfig) validate(segment Duration) error {
	if err := validateLimits("retention.", r.MaxAge, r.MaxBytes, segment); err != nil {
		return err
	}
	if r.MinFree < 0 {
		return fmt.Errorf("retention.min_free: must not be negative")
	}
	if r.EventsMaxAge < 0 {
		return fmt.Errorf("retention.events_max_age: must not be negative")
	}
	if r.EventsMaxAge != 0 && r.MaxAge != 0 && r.EventsMaxAge < r.MaxAge {
		return fmt.Errorf("retention.events_max_age: must be 0 (as long as max_age) or at least retention.max_age (%v)", r.MaxAge)
	}
	return nil
}

// validateLimits checks a max_age/max_bytes pair whose keys start with prefix.
func validateLimits(prefix string, maxAge Duration, maxBytes ByteSize, segment Duration) error {
	if maxAge < 0 {
		return fmt.Errorf("%smax_age: must not be negative", prefix)
	}
	if maxAge != 0 && maxAge < segment {
		return fmt.Errorf("%smax_age: must be 0 (no limit) or at least storage.segment_duration (%v)", prefix, segment)
	}
	if maxBytes < 0 {
		return fmt.Errorf("%smax_bytes: must not be negative", prefix)
	}
	return nil
}

// validate checks one camera; its errors start with the key inside the camera (`url: ...`).
func (c *CameraConfig) validate(segment Duration) error {
	if c.Name == "" {
		return fmt.Errorf("name: required")
	}
	if !cameraNameRE.MatchString(c.Name) {
		return fmt.Errorf("name: invalid name %q (want 1-32 of a-z 0-9 _ -)", c.Name)
	}
	if c.URL == "" {
		return fmt.Errorf("url: required")
	}
	if err := validateRTSPURL(c.URL); err != nil {
		return fmt.Errorf("url: %w", err)
	}
	if c.SubURL != "" {
		if err := validateRTSPURL(c.SubURL); err != nil {
			return fmt.Errorf("sub_url: %w", err)
		}
	}
	if err := c.Transport.Validate(); err != nil {
		return fmt.Errorf("transport: %w", err)
	}
	if l := c.Location; l != nil {
		if math.IsNaN(l.Lat) || l.Lat < -90 || l.Lat > 90 {
			return fmt.Errorf("location.lat: must be between -90 and 90")
		}
		if math.IsNaN(l.Lon) || l.Lon < -180 || l.Lon > 180 {
			return fmt.Errorf("location.lon: must be between -180 and 180")
		}
		if math.IsNaN(l.Radius) || l.Radius < 0 || l.Radius > maxViewRadius {
			return fmt.Errorf("location.radius: must be between 0 (default %d m) and %d metres", geo.DefaultViewRadius, maxViewRadius)
		}
		if d := l.Direction; d != nil && (math.IsNaN(*d) || *d < 0 || *d >= 360) {
			return fmt.Errorf("location.direction: must be degrees from north, 0 up to 360")
		}
		if math.IsNaN(l.FOV) || l.FOV < 0 || l.FOV > 360 {
			return fmt.Errorf("location.fov: must be between 0 (default %d°) and 360 degrees", geo.DefaultFOV)
		}
	}
	if c.SnapshotURL != "" {
		if err := validateHTTPURL(c.SnapshotURL); err != nil {
			return fmt.Errorf("snapshot_url: %w", err)
		}
	}
	if c.Motion != nil {
		if err := c.Motion.validate(); err != nil {
			return fmt.Errorf("motion.%w", err)
		}
	}
	if c.ONVIF != nil {
		if err := c.ONVIF.validate(); err != nil {
			return fmt.Errorf("onvif.%w", err)
		}
	}
	return validateLimits("retention.", c.Retention.MaxAge, c.Retention.MaxBytes, segment)
}

func validateName(s string) error {
	switch {
	case strings.TrimSpace(s) == "":
		return fmt.Errorf("required")
	case !utf8.ValidString(s):
		return fmt.Errorf("must be valid UTF-8")
	case utf8.RuneCountInString(s) > maxNameLen:
		return fmt.Errorf("too long (at most %d characters)", maxNameLen)
	case strings.IndexFunc(s, unicode.IsControl) >= 0:
		return fmt.Errorf("must not contain control characters")
	}
	return nil
}

// validateRTSPURL checks a camera URL without echoing it: it may carry a password.
func validateRTSPURL(s string) error { return validateURL(s, "rtsp", "rtsps") }

// validateURL checks a URL of scheme plain or secure without echoing it: it may carry a password.
func validateURL(s, plain, secure string) error {
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Errorf("not a valid URL")
	}
	if u.Scheme != plain && u.Scheme != secure {
		return fmt.Errorf("scheme must be %s or %s", plain, secure)
	}
	if u.Hostname() == "" {
		return fmt.Errorf("missing host")
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return fmt.Errorf("invalid port %q (want 1 to 65535)", p)
		}
	}
	return nil
}

// validateListen checks a host:port listen address; the host may be empty (all interfaces).
func validateListen(s string) error {
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		return fmt.Errorf("invalid address %q (want host:port)", s)
	}
	if n, err := strconv.ParseUint(port, 10, 16); err != nil || (n == 0 && port != "0") {
		return fmt.Errorf("invalid port %q", port)
	}
	if strings.ContainsAny(host, " /") {
		return fmt.Errorf("invalid host %q", host)
	}
	return nil
}

// validateMultiaddr does the shape check a config can do without libp2p: /proto/value/... with no empty
// or blank components. libp2p parses it fully when the host starts.
func validateMultiaddr(s string) error {
	if !strings.HasPrefix(s, "/") || len(s) < 2 {
		return fmt.Errorf("invalid multiaddr %q (must start with /, e.g. /ip4/0.0.0.0/tcp/7481)", s)
	}
	for _, part := range strings.Split(s[1:], "/") {
		if part == "" || strings.IndexFunc(part, unicode.IsSpace) >= 0 {
			return fmt.Errorf("invalid multiaddr %q", s)
		}
	}
	return nil
}
