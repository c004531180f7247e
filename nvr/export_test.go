package nvr

import "regexp"

// LocalP2P rewrites the p2p section of a config written by Init for tests: libp2p on 127.0.0.1 with a
// random port and no mDNS (nothing may leave 127.0.0.0/8, and parallel nodes must not share a port).
func LocalP2P(b []byte) []byte {
	b = regexp.MustCompile(`listen: \[/ip4/0\.0\.0\.0/tcp/7481, /ip4/0\.0\.0\.0/udp/7481/quic-v1\]`).
		ReplaceAll(b, []byte("listen: [/ip4/127.0.0.1/tcp/0]"))
	return regexp.MustCompile(`mdns: true`).ReplaceAll(b, []byte("mdns: false"))
}
