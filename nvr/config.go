package nvr

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/porchlight/porchlight/recorder/onvif"
)

// CurrentVersion is the config version this build reads and writes. Older files are migrated on load
// (see migrations); newer ones are rejected.
const CurrentVersion = 1

// Config is the node's configuration, read from porchlight.yml. Omitted keys take the values of Default.
type Config struct {
	Version   int             `yaml:"version"`
	Name      string          `yaml:"name"`
	Role      Role            `yaml:"role"`
	DataPath  string          `yaml:"data_dir"` // as written; use DataDir for the resolved path
	LogLevel  LogLevel        `yaml:"log_level"`
	HTTP      HTTPConfig      `yaml:"http"`
	P2P       P2PConfig       `yaml:"p2p"`
	Storage   StorageConfig   `yaml:"storage"`
	Retention RetentionConfig `yaml:"retention"`
	Cameras   []CameraConfig  `yaml:"cameras"`
	MQTT      *MQTTConfig     `yaml:"mqtt,omitempty"` // nil: MQTT off
	Restream  RestreamConfig  `yaml:"restream"`
	Discovery DiscoveryConfig `yaml:"discovery"`        // "Find cameras": the ONVIF probe
	Notify    []NotifyConfig  `yaml:"notify,omitempty"` // notification channels; see NotifyConfig
	Backup    BackupConfig    `yaml:"backup"`           // scheduled backups; see BackupConfig

	// Path is the file the config was loaded from; empty for Parse and Default. A relative DataPath is
	// resolved against its directory.
	Path string `yaml:"-"`
}

// HTTPConfig configures the web UI, the /api/v1 JSON API and /metrics.
type HTTPConfig struct {
	Listen string `yaml:"listen"` // host:port; port 0 picks a free port
	// TLS serves HTTPS. Without TLSCert and TLSKey, a self-signed certificate is made in the data dir on
	// first start.
	TLS     bool   `yaml:"tls"`
	TLSCert string `yaml:"tls_cert,omitempty"` // PEM certificate chain; relative to the config file
	TLSKey  string `yaml:"tls_key,omitempty"`  // PEM private key; relative to the config file
	// PublicURL is how the owner reaches the UI (https://nvr.example): links in notifications start with
	// it. Empty: the listen address.
	PublicURL string `yaml:"public_url,omitempty"`
	// BasePath serves the UI, the API, /metrics, /healthz and /readyz under a sub-path (/nvr) for a
	// reverse proxy that passes that path through unchanged. Empty or "/": at the root.
	BasePath string `yaml:"base_path,omitempty"`
	// TrustedProxies are the reverse proxies (IP addresses or CIDR prefixes) whose X-Forwarded-For,
	// Forwarded or X-Real-IP header tells the client's address, for the login limits, the connection caps
	// and the logs. From other peers those headers are ignored.
	TrustedProxies []string `yaml:"trusted_proxies,omitempty"`
}

// resolve returns p absolute, relative paths taken from the config file's directory.
func (c *Config) resolve(p string) string {
	if p == "" || filepath.IsAbs(p) || c.Path == "" {
		return p
	}
	return filepath.Join(filepath.Dir(c.Path), p)
}

// P2PConfig configures the libp2p host that joins neighborhoods.
type P2PConfig struct {
	Listen []string `yaml:"listen"` // multiaddrs; empty means the node does not listen
	// Reachability: auto asks peers (AutoNAT); public or private when you know (a home behind NAT is
	// private and uses the hood's federation nodes as relays).
	Reachability Reachability `yaml:"reachability"`
	// RelayService serves circuit relay v2 for members and admits joiners as guests: for publicly reachable
	// nodes. auto means on for the agency role, off for households.
	RelayService Switch `yaml:"relay_service"`
	MDNS         bool   `yaml:"mdns"` // find hood members on the LAN
	UPnP         bool   `yaml:"upnp"` // ask the router to forward the listen ports
}

// StorageConfig configures how recordings are written.
type StorageConfig struct {
	// SegmentDuration is when a segment is cut: at the first keyframe after this much media.
	SegmentDuration Duration `yaml:"segment_duration"`
	// PartDuration is how often media reaches the disk, with one write call (of several 250 ms moof/mdat
	// parts); it bounds what kill -9 loses.
	PartDuration Duration `yaml:"part_duration"`
	// FsyncInterval is how often segment files are fsynced; 0 fsyncs every part. Power loss loses at most
	// FsyncInterval plus one part.
	FsyncInterval Duration `yaml:"fsync_interval"`
	// Queue is how much media is buffered per camera while the disk is slow; beyond it whole GOPs drop.
	Queue Duration `yaml:"queue"`
}

// RetentionConfig bounds how much footage is kept; the oldest segments go first. Zero means no limit.
type RetentionConfig struct {
	MaxAge Duration `yaml:"max_age"`
	// EventsMaxAge is how long footage inside events (with their pre- and post-roll) is kept, beside
	// MaxAge for the rest: 0 = as long as MaxAge, never shorter. Per-camera max_age applies to both.
	EventsMaxAge Duration `yaml:"events_max_age"`
	MaxBytes     ByteSize `yaml:"max_bytes"`
	MinFree      ByteSize `yaml:"min_free"` // free-space floor of the filesystem holding the data dir
}

// CameraRetention is a camera's own limits, applied in addition to the global ones. Zero means none.
type CameraRetention struct {
	MaxAge   Duration `yaml:"max_age"`
	MaxBytes ByteSize `yaml:"max_bytes"`
}

// CameraConfig is one camera. Omitted keys take the values of DefaultCamera.
type CameraConfig struct {
	Name      string          `yaml:"name"` // [a-z0-9_-]{1,32}, unique
	URL       string          `yaml:"url"`  // rtsp:// or rtsps://, may carry credentials
	Transport Transport       `yaml:"transport"`
	SubURL    string          `yaml:"sub_url,omitempty"` // optional sub-stream, recorded as its own stream
	Enabled   bool            `yaml:"enabled"`
	Location  *Location       `yaml:"location,omitempty"`
	Retention CameraRetention `yaml:"retention,omitempty"`
	// SnapshotURL is an optional http(s) URL of the camera's still picture, for event snapshots; it may
	// carry credentials.
	SnapshotURL string `yaml:"snapshot_url,omitempty"`
	// Motion is the camera's motion detection; nil means DefaultMotion (on).
	Motion *MotionConfig `yaml:"motion,omitempty"`
	// ONVIF is the camera's ONVIF device, for its own motion events; nil = none.
	ONVIF *ONVIFConfig `yaml:"onvif,omitempty"`
}

// Location is where a camera is, in WGS 84 degrees, and what it sees: agency requests are matched against
// it on this node only. Radius (metres, 0: 30) is how far it usefully sees; Direction (degrees clockwise
// from north) and FOV (degrees, 0: 90) narrow it to a sector; without Direction it sees all around.
type Location struct {
	Lat       float64  `yaml:"lat"`
	Lon       float64  `yaml:"lon"`
	Radius    float64  `yaml:"radius,omitempty"`
	Direction *float64 `yaml:"direction,omitempty"`
	FOV       float64  `yaml:"fov,omitempty"`
}

// Default returns the built-in configuration, which configs/porchlight.yml spells out.
func Default() *Config {
	return &Config{
		Version:  CurrentVersion,
		Name:     "Porchlight",
		Role:     RoleHousehold,
		DataPath: "data",
		LogLevel: LogInfo,
		HTTP:     HTTPConfig{Listen: "127.0.0.1:7480"},
		P2P: P2PConfig{Listen: []string{"/ip4/0.0.0.0/tcp/7481", "/ip4/0.0.0.0/udp/7481/quic-v1"},
			Reachability: ReachAuto, RelayService: SwitchAuto, MDNS: true},
		Storage: StorageConfig{
			SegmentDuration: Duration(60 * time.Second),
			PartDuration:    Duration(time.Second),
			FsyncInterval:   Duration(5 * time.Second),
			Queue:           Duration(8 * time.Second),
		},
		Retention: RetentionConfig{
			MaxAge:   Duration(720 * time.Hour),
			MaxBytes: 200e9,
			MinFree:  1e9,
		},
		Cameras:   []CameraConfig{},
		Discovery: DiscoveryConfig{Interfaces: []string{}, Wait: Duration(onvif.DefaultProbeWait)},
		Backup:    DefaultBackup(),
	}
}

// DefaultCamera returns the values a camera entry starts from before its keys are applied.
func DefaultCamera() CameraConfig {
	return CameraConfig{Transport: TransportTCP, Enabled: true}
}

// Load reads, migrates, decodes and validates the config file at path. Errors name the file and the key.
func Load(path string) (*Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load config: %w", err)
	}
	c, err := Parse(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("load config %s: %w", path, err)
	}
	c.Path = abs
	return c, nil
}

// Parse decodes and validates a config document. Unknown keys, values of the wrong type or out of range,
// and versions this build cannot read are errors that start with the key, e.g.
// `cameras[0].url: scheme must be rtsp or rtsps`. A name of "" is the machine's hostname (defaultName).
func Parse(b []byte) (*Config, error) {
	root, err := parseYAML(b)
	if err != nil {
		return nil, err
	}
	if err := migrate(root, migrations); err != nil {
		return nil, err
	}
	c := Default()
	if err := decodeNode(root, "", c); err != nil {
		return nil, err
	}
	if c.Name == "" { // an explicit name: "" (an omitted or null name keeps the default)
		c.Name = defaultName()
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return c, nil
}

// DataDir returns the absolute data directory: DataPath as is when absolute, else resolved against the
// directory of Path (or the working directory when Path is empty).
func (c *Config) DataDir() string {
	p := c.DataPath
	if !filepath.IsAbs(p) && c.Path != "" {
		p = filepath.Join(filepath.Dir(c.Path), p)
	}
	abs, err := filepath.Abs(p)
	if err != nil {
		// Only when the working directory is gone; a relative path is the best answer left.
		return filepath.Clean(p)
	}
	return abs
}
