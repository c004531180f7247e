package nvr

import (
	"fmt"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/porchlight/porchlight/nvr/notify"
)

// NotifyConfig is one notification channel (the `notify:` list). Omitted keys take the values of
// DefaultNotify. Its secret lives in a file, never in the config: secret_file holds the webhook's HMAC key
// or an ntfy access token, password_file an email channel's SMTP password.
type NotifyConfig struct {
	Type       notify.Kind `yaml:"type"`           // ntfy | webhook | email
	Name       string      `yaml:"name,omitempty"` // default: the type, with its index when the type repeats
	URL        string      `yaml:"url,omitempty"`  // the ntfy topic URL, or the webhook's URL
	SecretFile string      `yaml:"secret_file,omitempty"`
	Priority   int         `yaml:"priority,omitempty"` // ntfy 1..5; 0: each notification's own
	Tags       []string    `yaml:"tags,omitempty"`     // ntfy tags
	// Events are the types that notify on this channel: request, alert, motion, camera, disk, member.
	// Omitted: all of them.
	Events []notify.Type `yaml:"events,omitempty"`
	// MotionCooldown is the least time between two motion notifications of one camera.
	MotionCooldown Duration `yaml:"motion_cooldown"`
	// QuietHours (HH:MM-HH:MM, local time) hold back motion, camera and disk notifications.
	QuietHours notify.QuietHours `yaml:"quiet_hours,omitempty"`
	// User is the web user whose channel this is: they may choose its events, quiet hours and cooldown
	// in the UI. Omitted: the admins'.
	User string `yaml:"user,omitempty"`

	// Email: SMTP is the submission server's host:port; TLS is starttls (default), tls (implicit, the
	// default on port 465) or none (only without a username); CAFile is a PEM file of CAs that verify the
	// server's certificate, for a server with its own CA (default: the system's roots).
	SMTP         string         `yaml:"smtp,omitempty"`
	Username     string         `yaml:"username,omitempty"`
	PasswordFile string         `yaml:"password_file,omitempty"`
	From         string         `yaml:"from,omitempty"`
	To           []string       `yaml:"to,omitempty"`
	TLS          notify.TLSMode `yaml:"tls,omitempty"`
	CAFile       string         `yaml:"ca_file,omitempty"`
}

// DefaultNotify returns the values a notify entry starts from before its keys are applied.
func DefaultNotify() NotifyConfig { return NotifyConfig{MotionCooldown: Duration(time.Minute)} }

func (c *NotifyConfig) applyDefaults() { *c = DefaultNotify() }

// validateNotify checks the notify list; errors start with `notify[i].`.
func (c *Config) validateNotify() error {
	if c.HTTP.PublicURL != "" {
		if u, err := url.Parse(c.HTTP.PublicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("http.public_url: must be an http or https URL such as https://nvr.example")
		}
	}
	names := map[string]bool{}
	for i, nc := range c.notifyChannels(nil) {
		key := fmt.Sprintf("notify[%d]", i)
		if c.Notify[i].Type == "" {
			return fmt.Errorf("%s.type: required (ntfy, webhook or email)", key)
		}
		if c.Notify[i].Type == notify.KindWebhook && c.Notify[i].SecretFile == "" {
			return fmt.Errorf("%s.secret_file: required for a webhook (a file holding the HMAC key)", key)
		}
		if err := c.Notify[i].validateKeys(); err != nil {
			return fmt.Errorf("%s.%w", key, err)
		}
		if err := nc.Validate(); err != nil {
			return fmt.Errorf("%s.%w", key, err)
		}
		if names[nc.Name] {
			return fmt.Errorf("%s.name: duplicate name %q", key, nc.Name)
		}
		names[nc.Name] = true
	}
	return nil
}

// notifyChannels returns the channels of the config, named, with secrets[i] as the secret of channel i
// (secrets nil: none read yet).
func (c *Config) notifyChannels(secrets [][]byte) []notify.ChannelConfig {
	count := map[notify.Kind]int{}
	for _, n := range c.Notify {
		count[n.Type]++
	}
	out := make([]notify.ChannelConfig, len(c.Notify))
	for i, n := range c.Notify {
		name := n.Name
		if name == "" {
			name = string(n.Type)
			if count[n.Type] > 1 {
				name = fmt.Sprintf("%s%d", n.Type, i)
			}
		}
		out[i] = notify.ChannelConfig{Name: name, Kind: n.Type, URL: n.URL, Priority: n.Priority, Tags: n.Tags,
			Events: n.Events, MotionCooldown: time.Duration(n.MotionCooldown), Quiet: n.QuietHours, Owner: n.User,
			Email: notify.EmailConfig{SMTP: n.SMTP, Username: n.Username, From: n.From, To: n.To, TLS: n.TLS}}
		if secrets != nil {
			out[i].Secret = secrets[i]
		}
	}
	return out
}

// readNotifySecrets reads each channel's secret_file (relative to the config file). Errors name the key
// and the file, never the secret.
func (c *Config) readNotifySecrets() ([][]byte, error) {
	out := make([][]byte, len(c.Notify))
	for i, n := range c.Notify {
		key, file := "secret_file", n.SecretFile
		if n.PasswordFile != "" {
			key, file = "password_file", n.PasswordFile
		}
		if file == "" {
			continue
		}
		b, err := os.ReadFile(c.resolve(file))
		if err != nil {
			return nil, fmt.Errorf("notify[%d].%s: %w", i, key, err)
		}
		s := strings.TrimSpace(string(b))
		if s == "" {
			return nil, fmt.Errorf("notify[%d].%s: %s is empty", i, key, c.resolve(file))
		}
		out[i] = []byte(s)
	}
	return out, nil
}
