package mqtt

import (
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"
)

// Config configures a Publisher. nvr builds it from the `mqtt` block of the node's config.
type Config struct {
	URL             string // tcp://, mqtt://, ssl://, tls:// or mqtts:// host:port
	Username        string
	Password        string      // never logged
	TLS             *tls.Config // for ssl:// URLs; nil: the system roots
	DiscoveryPrefix string      // Home Assistant's discovery prefix, usually homeassistant
	TopicPrefix     string      // the prefix of the state topics
	NodeName        string      // the node's name; its slug names the node in topics ("porchlight" if empty)
	Version         string      // the software version the device block shows
	// Refresh is how often camera states and node sensors are republished; 0: 30 s.
	Refresh time.Duration
	// RetryDelay is the longest wait between connection attempts; 0: 30 s.
	RetryDelay time.Duration
	Logger     *slog.Logger
}

// secureSchemes are the URL schemes that connect with TLS.
var secureSchemes = map[string]bool{"ssl": true, "tls": true, "mqtts": true}

// ValidateURL checks a broker URL: a known scheme, a host and nothing else.
func ValidateURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return errors.New("not a URL")
	}
	switch {
	case u.Scheme != "tcp" && u.Scheme != "mqtt" && !secureSchemes[u.Scheme]:
		return fmt.Errorf("scheme must be tcp, mqtt, ssl, tls or mqtts, not %q", u.Scheme)
	case u.Hostname() == "":
		return errors.New("host required")
	case u.User != nil:
		return errors.New("put credentials in username and password, not in the URL")
	case u.Path != "" && u.Path != "/", u.RawQuery != "":
		return errors.New("no path or query allowed")
	}
	return nil
}

// ValidatePrefix checks a topic prefix: non-empty, no wildcards, no leading or trailing slash.
func ValidatePrefix(p string) error {
	switch {
	case p == "":
		return errors.New("required")
	case strings.ContainsAny(p, "+#\x00"):
		return errors.New("must not contain + # or NUL")
	case strings.HasPrefix(p, "/") || strings.HasSuffix(p, "/") || strings.Contains(p, "//"):
		return errors.New("no leading, trailing or empty level")
	}
	return nil
}

func (c *Config) validate() error {
	if err := ValidateURL(c.URL); err != nil {
		return fmt.Errorf("mqtt.url: %w", err)
	}
	if err := ValidatePrefix(c.DiscoveryPrefix); err != nil {
		return fmt.Errorf("mqtt.discovery_prefix: %w", err)
	}
	if err := ValidatePrefix(c.TopicPrefix); err != nil {
		return fmt.Errorf("mqtt.topic_prefix: %w", err)
	}
	return nil
}

// secure reports whether the URL connects with TLS.
func (c *Config) secure() bool {
	u, err := url.Parse(c.URL)
	return err == nil && secureSchemes[u.Scheme]
}
