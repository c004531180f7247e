package ui

import (
	"cmp"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
)

// redacted replaces what a viewer may not see in a message.
const redacted = "[redacted]"

// addressRE matches what names a place on the network in an error message: URLs, libp2p multiaddrs, IP
// addresses (with a port or not, IPv6 bare or in brackets), host:port and dotted host names. It errs on
// the side of hiding: a file name such as seg.mp4 goes too.
var addressRE = regexp.MustCompile(strings.Join([]string{
	`[a-zA-Z][a-zA-Z0-9+.-]*://[^\s"'<>]*[^\s"'<>:;,.)]`,                        // URL, without punctuation after it
	`/(?:ip4|ip6|ip6zone|dns|dns4|dns6|dnsaddr)/[^\s"'<>,;\]]*[^\s"'<>,;:.)\]]`, // libp2p multiaddr
	`\[[0-9a-fA-F:.]+(?:%[a-zA-Z0-9]+)?\](?::\d+)?`,                             // [IPv6]:port
	`::(?:[0-9a-fA-F]{1,4}:){0,6}[0-9a-fA-F]{1,4}(?:(?:\.\d{1,3}){3})?\b`,       // IPv6 from "::" (::1, ::ffff:IPv4)
	`\b(?:[0-9a-fA-F]{0,4}:){2,7}[0-9a-fA-F]{0,4}(?:(?:\.\d{1,3}){3})?\b`,       // IPv6, perhaps ending in IPv4
	`\b[a-zA-Z0-9][a-zA-Z0-9.-]*:\d{1,5}\b`,                                     // host:port, IPv4:port
	`\b\d{1,3}(?:\.\d{1,3}){3}\b`,                                               // IPv4
	`\b(?:[a-zA-Z0-9-]+\.)+[a-zA-Z][a-zA-Z0-9-]*\b`,                             // host.name
}, "|"))

// camerasFor returns the cameras as the caller of r may see them: viewers get each last_error and each
// message of pictures without the hosts, ports, user names and passwords it may name, as they do not see
// cameras' addresses in GET /api/v1/config/cameras either.
func (s *Server) camerasFor(r *http.Request) []Camera {
	return redactFor(s, r, s.Cameras.Cameras(), func(c *Camera) []*string {
		if c.Pictures == nil {
			return []*string{&c.LastError}
		}
		p := *c.Pictures // the item is a copy, its pictures are not: redact a copy of them
		c.Pictures = &p
		return []*string{&c.LastError, &p.NoSnapshotReason, &p.ZonesNote, &p.KeyframesNote, &p.SnapshotError, &p.KeyframeError}
	})
}

// deliveriesFor returns the deliveries as the caller of r may see them: viewers get each last_error
// without the agency's multiaddrs, hosts and ports (nor cameras' addresses) it may name.
func (s *Server) deliveriesFor(r *http.Request, ds []Delivery) []Delivery {
	return redactFor(s, r, ds, func(d *Delivery) []*string { return []*string{&d.LastError} })
}

// redactFor returns items unchanged for an admin; for anyone else a copy in which the messages msgs
// points to in each item have the addresses and camera secrets replaced (redactAddresses).
func redactFor[T any](s *Server, r *http.Request, items []T, msgs func(*T) []*string) []T {
	if principalFrom(r.Context()).role == UserAdmin {
		return items
	}
	items = slices.Clone(items)
	var secrets []string
	for i := range items {
		for _, m := range msgs(&items[i]) {
			if *m == "" {
				continue
			}
			if secrets == nil {
				secrets = s.cameraSecrets()
			}
			*m = redactAddresses(*m, secrets)
		}
	}
	return items
}

// cameraSecrets returns the host names, user names and passwords in the configured cameras' URLs,
// longest first.
func (s *Server) cameraSecrets() []string {
	found := []string{}
	if s.CameraAdmin != nil {
		for _, c := range s.CameraAdmin.CameraSettings() {
			for _, raw := range []string{c.URL, c.SubURL} {
				u, err := url.Parse(raw)
				if err != nil {
					continue
				}
				found = append(found, u.Hostname())
				if u.User != nil {
					pw, _ := u.User.Password()
					found = append(found, u.User.Username(), pw)
				}
			}
		}
	}
	found = slices.DeleteFunc(found, func(s string) bool { return s == "" })
	slices.SortFunc(found, func(a, b string) int { return cmp.Or(cmp.Compare(len(b), len(a)), strings.Compare(a, b)) })
	return slices.Compact(found)
}

// redactAddresses replaces in msg everything addressRE matches, then each of secrets where it stands as
// a word of its own (a user "cam" is not the start of "camera").
func redactAddresses(msg string, secrets []string) string {
	msg = addressRE.ReplaceAllString(msg, redacted)
	for _, w := range secrets {
		var b strings.Builder
		last := 0
		for from := 0; ; {
			i := strings.Index(msg[from:], w)
			if i < 0 {
				break
			}
			i += from
			end := i + len(w)
			from = i + 1
			if (i == 0 || !isWordByte(msg[i-1])) && (end == len(msg) || !isWordByte(msg[end])) {
				b.WriteString(msg[last:i])
				b.WriteString(redacted)
				last, from = end, end
			}
		}
		msg = b.String() + msg[last:]
	}
	return msg
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}
