package ui

import (
	"context"
	"net"
	"net/http"
	"net/netip"
)

// requestClient is what withClient learns of a request's client.
type requestClient struct {
	addr    netip.Addr // the client: the TCP peer, or the address a trusted proxy reports (forwarded.go)
	proxied bool       // the TCP peer is a trusted proxy
	https   bool       // the trusted proxy says the client reached it over HTTPS
}

type clientCtxKey struct{}

// withClient finds the client of each request (forwardedClient) before anything else runs: the login
// limits (clientIP), the connection caps and the logs count that address. A connection from a trusted
// proxy is counted by the connLimiter under the client of its latest request (limitedConn.rekey), so
// that clients behind the proxy are capped each on their own and not all together as the proxy.
func (s *Server) withClient(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rc := requestClient{addr: peerAddr(r.RemoteAddr)}
		if rc.addr.IsValid() && s.trusts(rc.addr) {
			rc = requestClient{addr: forwardedClient(rc.addr, r.Header, s.trusts), proxied: true,
				https: forwardedHTTPS(r.Header)}
			if lc, ok := r.Context().Value(connKey{}).(*limitedConn); ok {
				lc.rekey(ipKey(net.IP(rc.addr.AsSlice())))
			}
		}
		h.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), clientCtxKey{}, rc)))
	})
}

// trusts reports whether a is one of TrustedProxies.
func (s *Server) trusts(a netip.Addr) bool {
	for _, p := range s.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// peerAddr is the address of a request's TCP peer; invalid when RemoteAddr is not host:port.
func peerAddr(remote string) netip.Addr {
	ap, err := netip.ParseAddrPort(remote)
	if err != nil {
		return netip.Addr{}
	}
	return ap.Addr().Unmap().WithZone("")
}

// clientOf returns what withClient found of r's client; without it (a handler called directly), the
// TCP peer.
func clientOf(r *http.Request) requestClient {
	if rc, ok := r.Context().Value(clientCtxKey{}).(requestClient); ok {
		return rc
	}
	return requestClient{addr: peerAddr(r.RemoteAddr)}
}

// clientAddr is r's client address as logs show it.
func clientAddr(r *http.Request) string {
	if a := clientOf(r).addr; a.IsValid() {
		return a.String()
	}
	return r.RemoteAddr
}

// clientIP is the client r comes from as the login limits count it: its IPv4 address or IPv6 /64
// (ipKey), the TCP peer's unless that is a trusted proxy (withClient).
func clientIP(r *http.Request) string {
	a := clientOf(r).addr
	if !a.IsValid() {
		return r.RemoteAddr
	}
	return ipKey(net.IP(a.AsSlice()))
}

// secure reports whether r reached the node, or the trusted proxy in front of it, over HTTPS: its
// cookies then get the Secure flag.
func (s *Server) secure(r *http.Request) bool {
	return s.TLS || clientOf(r).https
}
