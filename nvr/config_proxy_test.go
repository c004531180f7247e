package nvr

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/porchlight/porchlight/recorder"
	"github.com/porchlight/porchlight/ui"
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

// TestAPIEventSnapshotUnderBasePath: an event's snapshot URL carries http.base_path, so that a client
// (the web app, a script) can follow it as it is, through the proxy.
func TestAPIEventSnapshotUnderBasePath(t *testing.T) {
	e := recorder.Event{ID: 7, Camera: "front", Kind: "motion", Start: time.Unix(1700000000, 0), Snapshot: true}
	for base, want := range map[string]string{"": "/api/v1/events/7/snapshot.jpg", "/nvr": "/nvr/api/v1/events/7/snapshot.jpg"} {
		if got := apiEvent(e, base).Snapshot; got == nil || *got != want {
			t.Errorf("base %q: snapshot %v, want %s", base, got, want)
		}
	}
	e.Snapshot = false
	if got := apiEvent(e, "/nvr").Snapshot; got != nil {
		t.Errorf("no snapshot: got %s, want null", *got)
	}
}

// TestClientUnderBasePath: the CLI reaches a node with a base path under it.
func TestClientUnderBasePath(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "data"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "data", ui.TokenFile), []byte(strings.Repeat("ab", 32)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "porchlight.yml")
	if err := os.WriteFile(path, []byte("version: 1\nhttp: {listen: \"0.0.0.0:7480\", base_path: /nvr}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	c, err := NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if want := "http://127.0.0.1:7480/nvr"; c.Base != want {
		t.Errorf("client base %q, want %q", c.Base, want)
	}
}
