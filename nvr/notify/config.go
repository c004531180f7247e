package notify

import (
	"crypto/x509"
	"fmt"
	"net/url"
	"slices"
	"time"
)

// Kind is a channel's transport.
type Kind string

// The channel kinds this build sends to.
const (
	KindNtfy    Kind = "ntfy"
	KindWebhook Kind = "webhook"
	KindEmail   Kind = "email"
)

// UnmarshalText accepts ntfy, webhook or email.
func (k *Kind) UnmarshalText(b []byte) error {
	switch Kind(b) {
	case KindNtfy, KindWebhook, KindEmail:
		*k = Kind(b)
		return nil
	case KindWebPush:
		return fmt.Errorf("webpush channels are not configured here: each browser subscribes itself (Settings → Notifications on this device)")
	}
	return fmt.Errorf("unknown channel type %q: must be ntfy, webhook or email", b)
}

// ChannelConfig is one channel. Validate's errors start with the key (`url: …`), which nvr prefixes
// with the channel's place in the config (`notify[1].url: …`).
type ChannelConfig struct {
	Name   string // unique; names the queue bucket and the metrics' channel label
	Kind   Kind
	URL    string // the ntfy topic URL, or the webhook's URL
	Secret []byte // webhook: the HMAC key (required); ntfy: an access token (optional); email: the SMTP password
	// Priority is ntfy's 1 (min) .. 5 (max); 0 keeps each notification's own (3 for most).
	Priority int
	Tags     []string // ntfy tags (emoji short codes or words)
	// Events are the types this channel takes; nil means all of them.
	Events []Type
	// MotionCooldown is the least time between two motion notifications of one camera on this channel.
	MotionCooldown time.Duration
	Quiet          QuietHours
	// Owner is the web user whose channel this is; "" means the admins'. It does not change what is sent.
	Owner string
	Email EmailConfig // the email channel's settings
}

// Validate checks the channel's settings; errors start with the key. The secret is checked by New (it is
// read from its file only when the node starts).
func (c *ChannelConfig) Validate() error {
	if c.Kind == KindEmail {
		if c.URL != "" {
			return fmt.Errorf("url: an email channel has none: use smtp, from and to")
		}
		if err := c.Email.validate(); err != nil {
			return err
		}
	} else if err := c.validateURL(); err != nil {
		return err
	}
	switch {
	case c.Priority < 0 || c.Priority > 5:
		return fmt.Errorf("priority: must be 1 (min) to 5 (max), or 0 for each notification's own")
	case c.MotionCooldown < 0:
		return fmt.Errorf("motion_cooldown: must not be negative")
	}
	if c.Events != nil && len(c.Events) == 0 {
		return fmt.Errorf("events: empty: list the types it takes, or leave the key out for all of them")
	}
	for i, e := range c.Events {
		if !slices.Contains(Types, e) {
			return fmt.Errorf("events[%d]: %w %q", i, ErrBadType, e)
		}
	}
	return nil
}

func (c *ChannelConfig) validateURL() error {
	u, err := url.Parse(c.URL)
	switch {
	case c.URL == "":
		return fmt.Errorf("url: missing")
	case err != nil:
		return fmt.Errorf("url: not a URL")
	case u.Scheme != "http" && u.Scheme != "https":
		return fmt.Errorf("url: scheme must be http or https")
	case u.Host == "":
		return fmt.Errorf("url: missing host")
	case c.Kind == KindNtfy && (u.Path == "" || u.Path == "/"):
		return fmt.Errorf("url: must name a topic (https://ntfy.example/TOPIC)")
	}
	return nil
}

// takes reports whether the channel takes notifications of type t.
func (c *ChannelConfig) takes(t Type) bool { return c.Events == nil || slices.Contains(c.Events, t) }

// equal reports whether a and b configure the same channel (SetChannels keeps such a worker running).
func (c *ChannelConfig) equal(o *ChannelConfig) bool {
	return c.Name == o.Name && c.Kind == o.Kind && c.URL == o.URL && string(c.Secret) == string(o.Secret) &&
		c.Priority == o.Priority && slices.Equal(c.Tags, o.Tags) && slices.Equal(c.Events, o.Events) &&
		(c.Events == nil) == (o.Events == nil) && c.MotionCooldown == o.MotionCooldown && c.Quiet == o.Quiet &&
		c.Owner == o.Owner && c.Email.equal(&o.Email)
}

// rootsEqual compares pools by pointer: nvr makes a new pool only when the ca_file changes.
func rootsEqual(a, b *x509.CertPool) bool { return a == b || (a != nil && b != nil && a.Equal(b)) }
