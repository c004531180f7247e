package ui

import (
	"net/http"
	"net/netip"
	"strconv"
	"strings"
)

// Who a request comes from when a reverse proxy stands in front of the node. A proxy's forwarding
// headers are believed only from a TCP peer in Server.TrustedProxies; from anyone else they are ignored,
// since any client can send them.
//
// The hops the proxies report are read from one header, the first present of:
//
//   - X-Forwarded-For: addresses, client first, each proxy appending the address it saw;
//   - Forwarded (RFC 7239): the for= parameter of each element, in the same order;
//   - X-Real-IP: the one address the proxy saw.
//
// The client is found by walking from the peer towards the client: the first hop that is not itself a
// trusted proxy. Whatever a client wrote into the header stands left of what the trusted proxies
// appended, so it is never reached while an untrusted hop comes first. A hop that does not parse (a
// garbled entry, "unknown", an obfuscated identifier) ends the walk at the trusted proxy that reported
// it: the client is then counted as that proxy, never as a name it may have chosen.
//
// A proxy that sets only Forwarded or X-Real-IP must not pass on an X-Forwarded-For its clients send,
// since that header is read first (README, "Behind a reverse proxy").

// forwardedClient returns the address of the client of a request from peer with headers h: peer
// itself unless trusted(peer), else the first hop of the forwarding header, walking from the peer, that
// is not trusted (see above).
func forwardedClient(peer netip.Addr, h http.Header, trusted func(netip.Addr) bool) netip.Addr {
	if !trusted(peer) {
		return peer // its headers are not even read
	}
	client := peer
	hops := forwardedHops(h)
	for i := len(hops) - 1; i >= 0 && trusted(client); i-- {
		a, ok := parseNode(hops[i])
		if !ok {
			break
		}
		client = a
	}
	return client
}

// maxHops bounds how many hops of a forwarding header are looked at: more proxies than this in a row
// are not a home's setup, and the walk stops at the last trusted one.
const maxHops = 32

// forwardedHops returns the hops of the first forwarding header present, the client's end first, as
// written; at most the maxHops nearest the peer. Several lines of one header are one list, in order.
func forwardedHops(h http.Header) []string {
	var hops []string
	if v := h.Values("X-Forwarded-For"); len(v) > 0 {
		for _, line := range v {
			hops = append(hops, strings.Split(line, ",")...)
		}
	} else if v := h.Values("Forwarded"); len(v) > 0 {
		for _, line := range v {
			hops = append(hops, forwardedFor(line)...)
		}
	} else if v := h.Values("X-Real-Ip"); len(v) > 0 {
		hops = v[len(v)-1:]
	}
	if len(hops) > maxHops {
		hops = hops[len(hops)-maxHops:]
	}
	return hops
}

// forwardedFor returns the for= value of each element of a Forwarded header line (RFC 7239), unquoted;
// "" for an element without one, so that it breaks the chain rather than being skipped.
func forwardedFor(line string) []string {
	var out []string
	for _, elem := range splitUnquoted(line, ',') {
		if strings.TrimSpace(elem) == "" {
			continue // RFC 7230's #rule allows empty list elements
		}
		val := ""
		for _, pair := range splitUnquoted(elem, ';') {
			name, v, ok := strings.Cut(pair, "=")
			if ok && strings.EqualFold(strings.TrimSpace(name), "for") {
				val = unquote(strings.TrimSpace(v))
				break
			}
		}
		out = append(out, val)
	}
	return out
}

// splitUnquoted splits s at sep where sep is outside a quoted-string.
func splitUnquoted(s string, sep byte) []string {
	var out []string
	quoted, escaped, start := false, false, 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case escaped:
			escaped = false
		case quoted && c == '\\':
			escaped = true
		case c == '"':
			quoted = !quoted
		case c == sep && !quoted:
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

// unquote returns the content of a quoted-string (backslash escapes resolved), or s as it is when it is a
// token.
func unquote(s string) string {
	if len(s) < 2 || s[0] != '"' || s[len(s)-1] != '"' {
		return s
	}
	var b strings.Builder
	for i := 1; i < len(s)-1; i++ {
		if s[i] == '\\' && i+1 < len(s)-1 {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// parseNode parses one hop: an IPv4 or IPv6 address, optionally with a port ("192.0.2.1:4711",
// "[2001:db8::1]:4711", "[2001:db8::1]"), surrounding spaces allowed. IPv4-mapped IPv6 addresses are
// their IPv4 address; zones are dropped.
func parseNode(s string) (netip.Addr, bool) {
	s = strings.TrimSpace(s)
	if rest, ok := strings.CutPrefix(s, "["); ok {
		host, port, ok := strings.Cut(rest, "]")
		if !ok || (port != "" && !isPort(port)) {
			return netip.Addr{}, false
		}
		s = host
	} else if ap, err := netip.ParseAddrPort(s); err == nil && ap.Addr().Is4() {
		s = ap.Addr().String()
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Addr{}, false
	}
	return a.Unmap().WithZone(""), true
}

// isPort: p is ":" and a port number.
func isPort(p string) bool {
	digits, ok := strings.CutPrefix(p, ":")
	if !ok || digits == "" || len(digits) > 5 {
		return false
	}
	n, err := strconv.ParseUint(digits, 10, 16)
	return err == nil && n <= 65535
}

// forwardedHTTPS reports whether the proxy says the client reached it over HTTPS: X-Forwarded-Proto, or
// else the proto= of the last element of Forwarded (the nearest proxy's), is https. Only for a trusted
// peer's request.
func forwardedHTTPS(h http.Header) bool {
	if v := h.Values("X-Forwarded-Proto"); len(v) > 0 {
		protos := strings.Split(v[len(v)-1], ",")
		return strings.EqualFold(strings.TrimSpace(protos[len(protos)-1]), "https")
	}
	v := h.Values("Forwarded")
	if len(v) == 0 {
		return false
	}
	elems := splitUnquoted(v[len(v)-1], ',')
	for _, pair := range splitUnquoted(elems[len(elems)-1], ';') {
		if name, val, ok := strings.Cut(pair, "="); ok && strings.EqualFold(strings.TrimSpace(name), "proto") {
			return strings.EqualFold(unquote(strings.TrimSpace(val)), "https")
		}
	}
	return false
}
