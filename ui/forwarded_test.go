package ui

import (
	"net/http"
	"net/netip"
	"strings"
	"testing"
)

// proxies is the trusted set of the tests: loopback and a LAN proxy.
var proxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("10.0.0.0/8"),
	netip.MustParsePrefix("fd00::/8")}

func trustIn(ps []netip.Prefix) func(netip.Addr) bool {
	return func(a netip.Addr) bool {
		for _, p := range ps {
			if p.Contains(a) {
				return true
			}
		}
		return false
	}
}

func TestForwardedClient(t *testing.T) {
	tests := []struct {
		name, peer string
		hdr        map[string][]string
		want       string
	}{
		{"untrusted peer: headers ignored", "203.0.113.9", map[string][]string{"X-Forwarded-For": {"198.51.100.1"}}, "203.0.113.9"},
		{"untrusted peer: Forwarded ignored", "203.0.113.9", map[string][]string{"Forwarded": {"for=198.51.100.1"}}, "203.0.113.9"},
		{"untrusted peer: X-Real-IP ignored", "203.0.113.9", map[string][]string{"X-Real-Ip": {"198.51.100.1"}}, "203.0.113.9"},
		{"trusted peer, no header", "127.0.0.1", nil, "127.0.0.1"},
		{"XFF one hop", "127.0.0.1", map[string][]string{"X-Forwarded-For": {"198.51.100.1"}}, "198.51.100.1"},
		{"XFF: a forged entry left of the real one", "127.0.0.1", map[string][]string{"X-Forwarded-For": {"6.6.6.6, 198.51.100.1"}}, "198.51.100.1"},
		{"XFF: trusted hops are skipped", "127.0.0.1", map[string][]string{"X-Forwarded-For": {"6.6.6.6, 198.51.100.1, 10.1.2.3"}}, "198.51.100.1"},
		{"XFF: several lines are one list", "127.0.0.1", map[string][]string{"X-Forwarded-For": {"6.6.6.6", "198.51.100.1, 10.1.2.3"}}, "198.51.100.1"},
		{"XFF: all trusted: the first", "127.0.0.1", map[string][]string{"X-Forwarded-For": {"10.0.0.7, 10.1.2.3"}}, "10.0.0.7"},
		{"XFF: garbage nearest: the proxy", "127.0.0.1", map[string][]string{"X-Forwarded-For": {"198.51.100.1, garbage"}}, "127.0.0.1"},
		{"XFF: garbage behind a trusted hop: that hop", "127.0.0.1", map[string][]string{"X-Forwarded-For": {"bad, 10.1.2.3"}}, "10.1.2.3"},
		{"XFF: empty", "127.0.0.1", map[string][]string{"X-Forwarded-For": {""}}, "127.0.0.1"},
		{"XFF: IPv6", "127.0.0.1", map[string][]string{"X-Forwarded-For": {"2001:db8::1"}}, "2001:db8::1"},
		{"XFF: IPv4 with port", "127.0.0.1", map[string][]string{"X-Forwarded-For": {"198.51.100.1:4711"}}, "198.51.100.1"},
		{"XFF: bracketed IPv6 with port", "127.0.0.1", map[string][]string{"X-Forwarded-For": {"[2001:db8::1]:4711"}}, "2001:db8::1"},
		{"XFF: IPv4-mapped", "127.0.0.1", map[string][]string{"X-Forwarded-For": {"::ffff:198.51.100.1"}}, "198.51.100.1"},
		{"XFF: zone dropped", "127.0.0.1", map[string][]string{"X-Forwarded-For": {"fe80::1%eth0"}}, "fe80::1"},
		{"XFF wins over the others", "127.0.0.1", map[string][]string{"X-Forwarded-For": {"198.51.100.1"},
			"Forwarded": {"for=6.6.6.6"}, "X-Real-Ip": {"6.6.6.7"}}, "198.51.100.1"},
		{"Forwarded", "127.0.0.1", map[string][]string{"Forwarded": {"for=198.51.100.1;proto=https;by=10.0.0.1"}}, "198.51.100.1"},
		{"Forwarded: quoted IPv6 with port", "127.0.0.1", map[string][]string{"Forwarded": {`for="[2001:db8:cafe::17]:4711"`}}, "2001:db8:cafe::17"},
		{"Forwarded: case and spaces", "127.0.0.1", map[string][]string{"Forwarded": {`proto=http; For = 198.51.100.1`}}, "198.51.100.1"},
		{"Forwarded: chain", "127.0.0.1", map[string][]string{"Forwarded": {`for=6.6.6.6, for=198.51.100.1;by="[fd00::1]", for=10.2.2.2`}}, "198.51.100.1"},
		{"Forwarded: a comma inside quotes", "127.0.0.1", map[string][]string{"Forwarded": {`for=198.51.100.1;x="a,for=6.6.6.6"`}}, "198.51.100.1"},
		{"Forwarded: unknown: the proxy", "127.0.0.1", map[string][]string{"Forwarded": {`for=198.51.100.1, for=unknown`}}, "127.0.0.1"},
		{"Forwarded: obfuscated: the proxy", "127.0.0.1", map[string][]string{"Forwarded": {`for=_hidden`}}, "127.0.0.1"},
		{"Forwarded: element without for: the proxy", "127.0.0.1", map[string][]string{"Forwarded": {`for=198.51.100.1, proto=https`}}, "127.0.0.1"},
		{"X-Real-IP", "127.0.0.1", map[string][]string{"X-Real-Ip": {"198.51.100.1"}}, "198.51.100.1"},
		{"X-Real-IP: the last line", "127.0.0.1", map[string][]string{"X-Real-Ip": {"6.6.6.6", "198.51.100.1"}}, "198.51.100.1"},
		{"X-Real-IP: garbage: the proxy", "127.0.0.1", map[string][]string{"X-Real-Ip": {"me"}}, "127.0.0.1"},
		{"IPv6 trusted peer", "fd00::5", map[string][]string{"X-Forwarded-For": {"198.51.100.1"}}, "198.51.100.1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := forwardedClient(netip.MustParseAddr(tt.peer), http.Header(tt.hdr), trustIn(proxies))
			if got != netip.MustParseAddr(tt.want) {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

// TestForwardedHopsBounded: a header of thousands of hops is looked at only near the peer.
func TestForwardedHopsBounded(t *testing.T) {
	h := http.Header{"X-Forwarded-For": {strings.Repeat("10.0.0.1, ", 5000) + "10.0.0.2"}}
	if n := len(forwardedHops(h)); n != maxHops {
		t.Errorf("got %d hops, want %d", n, maxHops)
	}
	// All trusted: the walk ends at the farthest hop it looks at, a trusted one, never beyond.
	if got := forwardedClient(netip.MustParseAddr("127.0.0.1"), h, trustIn(proxies)); !trustIn(proxies)(got) {
		t.Errorf("got %s, want one of the trusted hops", got)
	}
}

func TestForwardedHTTPS(t *testing.T) {
	tests := []struct {
		hdr  map[string][]string
		want bool
	}{
		{nil, false},
		{map[string][]string{"X-Forwarded-Proto": {"https"}}, true},
		{map[string][]string{"X-Forwarded-Proto": {"HTTPS"}}, true},
		{map[string][]string{"X-Forwarded-Proto": {"http"}}, false},
		{map[string][]string{"X-Forwarded-Proto": {"http, https"}}, true},
		{map[string][]string{"Forwarded": {"for=1.2.3.4;proto=https"}}, true},
		{map[string][]string{"Forwarded": {`for=1.2.3.4;proto="https", for=10.0.0.1;proto=http`}}, false},
		{map[string][]string{"Forwarded": {"for=1.2.3.4"}}, false},
	}
	for _, tt := range tests {
		if got := forwardedHTTPS(http.Header(tt.hdr)); got != tt.want {
			t.Errorf("%v: got %v, want %v", tt.hdr, got, tt.want)
		}
	}
}

// FuzzForwardedClient: any header values give, from an untrusted peer, the peer; from a trusted one, the
// peer or an address that appears in the header; never a panic.
func FuzzForwardedClient(f *testing.F) {
	for _, s := range [][3]string{
		{"198.51.100.1", "", ""}, {"6.6.6.6, 198.51.100.1, 10.1.2.3", "", ""}, {"", "for=198.51.100.1;proto=https", ""},
		{"", `for="[2001:db8:cafe::17]:4711", for=unknown`, ""}, {"", `for="a\"b,c";by=x, for=_h`, ""},
		{"", "", "198.51.100.1"}, {"[::1]:80, ::ffff:1.2.3.4", "", ""}, {"fe80::1%eth0", `for="\`, "x"},
	} {
		f.Add(s[0], s[1], s[2])
	}
	trusted := trustIn(proxies)
	f.Fuzz(func(t *testing.T, xff, fwd, realIP string) {
		h := http.Header{}
		for k, v := range map[string]string{"X-Forwarded-For": xff, "Forwarded": fwd, "X-Real-Ip": realIP} {
			if v != "" {
				h.Set(k, v)
			}
		}
		outside := netip.MustParseAddr("203.0.113.9")
		if got := forwardedClient(outside, h, trusted); got != outside {
			t.Fatalf("untrusted peer: got %s, want the peer", got)
		}
		peer := netip.MustParseAddr("127.0.0.1")
		got := forwardedClient(peer, h, trusted)
		if !got.IsValid() {
			t.Fatalf("invalid address for %v", h)
		}
		found := got == peer
		for _, hop := range forwardedHops(h) {
			a, ok := parseNode(hop)
			if ok && (a.Zone() != "" || a.Is4In6()) {
				t.Fatalf("parseNode(%q) = %s: zone or mapped address kept", hop, a)
			}
			found = found || ok && a == got
		}
		if !found {
			t.Fatalf("got %s, which is neither the peer nor a hop of %v", got, h)
		}
		_ = forwardedHTTPS(h)
	})
}
