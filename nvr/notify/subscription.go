package notify

import (
	"crypto/ecdh"
	"encoding/base64"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Subscription is one browser's Web Push subscription (the Push API's PushSubscription) for one user:
// where to push, the keys to encrypt for (RFC 8291), and the types of notification the user chose for
// this device. Each is a channel of its own, named "push-" + ID, with its own queue.
type Subscription struct {
	ID       string    `json:"id"`   // set by Subscribe
	User     string    `json:"user"` // the UI user (or "token:<id>") it belongs to
	Endpoint string    `json:"endpoint"`
	Keys     PushKeys  `json:"keys"`
	Events   []Type    `json:"events"` // nil: DefaultPushEvents
	Created  time.Time `json:"created"`
}

// PushKeys are the subscription's keys, base64url as the browser gives them (padding optional).
type PushKeys struct {
	P256dh string `json:"p256dh"` // the browser's ECDH P-256 public key, uncompressed (65 bytes)
	Auth   string `json:"auth"`   // the 16-byte authentication secret
}

// DefaultPushEvents are the types a subscription takes when it names none: agency requests, since the
// owner's approval is the point of the product.
var DefaultPushEvents = []Type{TypeRequest}

// maxEndpoint bounds an endpoint URL; push services' are a few hundred bytes.
const maxEndpoint = 2048

// Validate checks the subscription as a browser sent it; errors start with the field
// (`keys.p256dh: …`) and wrap ErrBadSubscription. An endpoint must be https, or http on a loopback
// address (a push service on this machine).
func (s *Subscription) Validate() error {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%s: %w", fmt.Sprintf(format, a...), ErrBadSubscription)
	}
	u, err := url.Parse(s.Endpoint)
	switch {
	case s.Endpoint == "":
		return bad("endpoint: missing")
	case len(s.Endpoint) > maxEndpoint:
		return bad("endpoint: longer than %d bytes", maxEndpoint)
	case err != nil || u.Host == "" || u.User != nil || strings.ContainsAny(s.Endpoint, "\r\n"):
		return bad("endpoint: not an absolute URL")
	case u.Scheme != "https" && !(u.Scheme == "http" && loopback(u.Hostname())):
		return bad("endpoint: must be https (http only on a loopback address)")
	}
	p, err := decodeB64(s.Keys.P256dh)
	if err != nil || len(p) != 65 {
		return bad("keys.p256dh: must be an uncompressed P-256 public key in base64url (65 bytes)")
	}
	if _, err := ecdh.P256().NewPublicKey(p); err != nil {
		return bad("keys.p256dh: not a point on P-256")
	}
	if a, err := decodeB64(s.Keys.Auth); err != nil || len(a) != 16 {
		return bad("keys.auth: must be 16 bytes in base64url")
	}
	for i, e := range s.Events {
		if !slices.Contains(Types, e) {
			return fmt.Errorf("events[%d]: %w %q", i, ErrBadType, e)
		}
	}
	return nil
}

// decodeB64 reads base64url or standard base64, padded or not.
func decodeB64(s string) ([]byte, error) {
	s = strings.TrimRight(s, "=")
	if b, err := base64.RawURLEncoding.DecodeString(s); err == nil {
		return b, nil
	}
	return base64.RawStdEncoding.DecodeString(s)
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// channelName is the name of a subscription's channel: its queue bucket and its metrics' label (user
// names stay out of /metrics).
func (s *Subscription) channelName() string { return "push-" + s.ID }
