package nvr

import (
	"fmt"
	"net/netip"
	"net/url"
	"strings"

	"github.com/porchlight/porchlight/ui"
)

// validateProxy checks the reverse-proxy keys of http: base_path, trusted_proxies, and that public_url,
// when set, ends in the base path (the proxy passes the path through, so links must carry it).
func (h *HTTPConfig) validateProxy() error {
	if err := ui.ValidateBasePath(h.BasePath); err != nil {
		return fmt.Errorf("http.base_path: %w", err)
	}
	if _, err := h.trustedProxies(); err != nil {
		return err
	}
	if h.PublicURL == "" {
		return nil
	}
	u, err := url.Parse(h.PublicURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil // not a URL: validateNotify says so
	}
	if got, want := strings.TrimSuffix(u.Path, "/"), h.basePath(); got != want {
		if want == "" {
			return fmt.Errorf("http.public_url: has the path %q but http.base_path is empty: set http.base_path: %s (the proxy must pass the path through)", u.Path, got)
		}
		return fmt.Errorf("http.public_url: must end with http.base_path (%s), as in https://nvr.example%s", want, want)
	}
	return nil
}

// basePath is http.base_path as the server uses it: "" for none.
func (h *HTTPConfig) basePath() string { return strings.TrimSuffix(h.BasePath, "/") }

// trustedProxies parses http.trusted_proxies: each an IP address (one host) or a CIDR prefix.
func (h *HTTPConfig) trustedProxies() ([]netip.Prefix, error) {
	out := make([]netip.Prefix, 0, len(h.TrustedProxies))
	for i, s := range h.TrustedProxies {
		key := fmt.Sprintf("http.trusted_proxies[%d]", i)
		if strings.Contains(s, "/") {
			p, err := netip.ParsePrefix(s)
			if err != nil {
				return nil, fmt.Errorf("%s: %q is not an IP address or CIDR prefix (such as 127.0.0.1 or 10.0.0.0/8)", key, s)
			}
			if p.Addr().Is4In6() {
				p = netip.PrefixFrom(p.Addr().Unmap(), max(p.Bits()-96, 0))
			}
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(s)
		if err != nil || a.Zone() != "" {
			return nil, fmt.Errorf("%s: %q is not an IP address or CIDR prefix (such as 127.0.0.1 or 10.0.0.0/8)", key, s)
		}
		a = a.Unmap()
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}
