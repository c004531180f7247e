package nvr

import (
	"slices"
	"testing"
)

// TestConfigProxy: the reverse-proxy keys as the server gets them: the base path without a trailing
// slash ("/" is the root), the trusted proxies as prefixes (an address is one host, IPv4-mapped ones are
// IPv4); the CLI's client and the node's URL carry the base path.
func TestConfigProxy(t *testing.T) {
	for _, tt := range []struct {
		yaml     string
		base     string
		prefixes []string
	}{
		{"version: 1\n", "", nil},
		{"version: 1\nhttp: {base_path: /}\n", "", nil},
		{"version: 1\nhttp: {base_path: /nvr, public_url: \"https://home.example/nvr/\"}\n", "/nvr", nil},
		{"version: 1\nhttp: {base_path: /home/nvr, trusted_proxies: [127.0.0.1, \"10.0.0.0/8\", \"::1\", \"fd00::/8\", \"::ffff:192.168.1.2\", \"::ffff:192.168.0.0/112\", \"10.1.2.3/8\"]}\n",
			"/home/nvr", []string{"127.0.0.1/32", "10.0.0.0/8", "::1/128", "fd00::/8", "192.168.1.2/32", "192.168.0.0/16", "10.0.0.0/8"}},
	} {
		c, err := Parse([]byte(tt.yaml))
		if err != nil {
			t.Fatalf("%s: %v", tt.yaml, err)
		}
		if got := c.HTTP.basePath(); got != tt.base {
			t.Errorf("%s: base path %q, want %q", tt.yaml, got, tt.base)
		}
		ps, err := c.HTTP.trustedProxies()
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, p := range ps {
			got = append(got, p.String())
		}
		if !slices.Equal(got, tt.prefixes) {
			t.Errorf("%s: trusted proxies %v, want %v", tt.yaml, got, tt.prefixes)
		}
		for _, p := range ps {
			if p != p.Masked() || p.Addr().Is4In6() {
				t.Errorf("prefix %s not canonical", p)
			}
		}
	}
}
