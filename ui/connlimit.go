package ui

import (
	"container/list"
	"context"
	"crypto/tls"
	"net"
	"net/http"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
)

// Default caps of connections on which no request has yet shown a valid credential.
const (
	defaultMaxUnauthPerAddr = 64  // per client address (an IPv6 client: its /64)
	defaultMaxUnauth        = 512 // in total
)

// connLimiter is the server's listener. It bounds the connections no request has authenticated yet, per
// client address and in total, so that clients holding thousands of idle or slow connections cannot use
// up the process's file descriptors and memory.
//
// Over a cap it closes an old connection rather than refusing the new one, which may be the owner's:
// over the cap of an address, that address's oldest; over the total cap, the oldest of the address that
// holds the most, so clients at many addresses cannot shed the one or two of another. A connection is
// authenticated from the first request on it that carries a valid session or token (the auth middleware
// marks it); such connections are not counted and never shed. Once the credential that authenticated it
// has ended (logout, expiry, removal, revocation), the connection's next request, to any route, counts it
// as unauthenticated again (recheckConn), so a client cannot keep the exemption of a credential it lost.
//
// The limit: an attacker at the owner's own address (the same host, a NAT, a reverse proxy in front of
// the node that is not a trusted proxy) competes with the owner's new connections, which survive only if
// they authenticate before perAddr newer ones from that address arrive; the owner's authenticated
// keep-alive connections are not affected. A connection from a trusted proxy counts under the client of
// its latest request (rekey); before its first request, under the proxy's address.
type connLimiter struct {
	net.Listener
	perAddr, total int
	shed           *prometheus.CounterVec // by reason

	mu     sync.Mutex
	byAddr map[string]*list.List // per client address key, its *limitedConn not yet authenticated, oldest first
	unauth int                   // connections in byAddr
	authed int
	seq    uint64 // connections counted as unauthenticated, when accepted or again
}

// limitedConn is a connection accepted by a connLimiter.
type limitedConn struct {
	net.Conn
	l   *connLimiter
	seq uint64 // order of being counted as unauthenticated

	// Guarded by l.mu.
	key    string        // client address key: the peer's, or behind a trusted proxy its latest client's
	elem   *list.Element // in l.byAddr[key]; nil once authenticated or closed
	authed bool
	live   func() bool // while authed: whether the credential that authenticated c is still accepted
	closed bool
}

func newConnLimiter(ln net.Listener, perAddr, total int, reg prometheus.Registerer) *connLimiter {
	l := &connLimiter{Listener: ln, perAddr: perAddr, total: total, byAddr: map[string]*list.List{},
		shed: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "porchlight_http_connections_shed_total",
			Help: "HTTP connections closed before any request on them authenticated, to keep within the " +
				"caps per client address (reason=address) or in total (reason=total)."}, []string{"reason"})}
	gauge := func(state string, f func() int) prometheus.Collector {
		return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "porchlight_http_connections",
			Help:        "Open HTTP connections, by whether a request on them has authenticated.",
			ConstLabels: prometheus.Labels{"state": state}}, func() float64 { return float64(f()) })
	}
	reg.MustRegister(l.shed,
		gauge("unauthenticated", func() int { l.mu.Lock(); defer l.mu.Unlock(); return l.unauth }),
		gauge("authenticated", func() int { l.mu.Lock(); defer l.mu.Unlock(); return l.authed }))
	return l
}

// Accept accepts a connection. When that takes the unauthenticated ones of its address over their cap, it
// closes the oldest of them; when it takes all unauthenticated ones over theirs, the oldest of the address
// that holds the most.
func (l *connLimiter) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	lc := &limitedConn{Conn: c, l: l, key: addrKey(c.RemoteAddr())}
	l.mu.Lock()
	victims := l.addLocked(lc)
	l.mu.Unlock()
	l.closeShed(victims)
	return lc, nil
}

// addLocked counts c as unauthenticated, the newest of its address, and takes out the connections the caps
// then shed: the oldest of its address if that is over its cap, and the oldest of the address that holds
// the most if all are over theirs. The caller closes them (closeShed) after unlocking.
func (l *connLimiter) addLocked(c *limitedConn) (victims [2]*limitedConn) {
	l.seq++
	c.seq = l.seq
	own := l.byAddr[c.key]
	if own == nil {
		own = list.New()
		l.byAddr[c.key] = own
	}
	c.elem = own.PushBack(c)
	l.unauth++
	if own.Len() > l.perAddr {
		victims[0] = l.evictLocked(own.Front().Value.(*limitedConn))
	}
	if l.unauth > l.total {
		victims[1] = l.evictLocked(l.heaviestLocked().Front().Value.(*limitedConn))
	}
	return victims
}

// closeShed closes the connections addLocked took out and counts them.
func (l *connLimiter) closeShed(victims [2]*limitedConn) {
	for i, reason := range [2]string{"address", "total"} {
		if v := victims[i]; v != nil {
			_ = v.Conn.Close()
			l.shed.WithLabelValues(reason).Inc()
		}
	}
}

// heaviestLocked returns the unauthenticated connections of the address that holds the most of them
// (of those, the one with the oldest), so that clients at many addresses are needed to reach the
// connections of one that holds few, such as the owner's. It looks at every address: at most l.total.
func (l *connLimiter) heaviestLocked() *list.List {
	var max *list.List
	for _, own := range l.byAddr {
		if max == nil || own.Len() > max.Len() ||
			own.Len() == max.Len() && own.Front().Value.(*limitedConn).seq < max.Front().Value.(*limitedConn).seq {
			max = own
		}
	}
	return max
}

// evictLocked takes c out of its list and marks it closed; the caller closes it after unlocking.
func (l *connLimiter) evictLocked(c *limitedConn) *limitedConn {
	l.removeLocked(c)
	c.closed = true
	return c
}

func (l *connLimiter) removeLocked(c *limitedConn) {
	if c.elem == nil {
		return
	}
	own := l.byAddr[c.key]
	own.Remove(c.elem)
	if own.Len() == 0 {
		delete(l.byAddr, c.key)
	}
	c.elem = nil
	l.unauth--
}

// authenticate exempts c from the caps while live reports that the credential it was shown still lives.
func (c *limitedConn) authenticate(live func() bool) {
	l := c.l
	l.mu.Lock()
	defer l.mu.Unlock()
	if c.closed {
		return
	}
	c.live = live // the latest credential shown on c is the one that counts
	if c.authed {
		return
	}
	l.removeLocked(c)
	c.authed = true
	l.authed++
}

// recheck counts c as unauthenticated again, subject to the caps as the newest of its address, if the
// credential that authenticated it has ended.
func (c *limitedConn) recheck() {
	l := c.l
	l.mu.Lock()
	live := c.live
	l.mu.Unlock()
	if live == nil || live() { // live takes the auth stores' locks: not under l.mu
		return
	}
	l.mu.Lock()
	if !c.authed || c.closed {
		l.mu.Unlock()
		return
	}
	c.authed, c.live = false, nil
	l.authed--
	victims := l.addLocked(c)
	l.mu.Unlock()
	l.closeShed(victims)
}

// rekey counts c under the client address key from now on: a connection from a trusted proxy belongs to
// the client of its latest request (withClient). While unauthenticated, c becomes the newest connection
// of that address, subject to its cap.
func (c *limitedConn) rekey(key string) {
	l := c.l
	l.mu.Lock()
	if c.key == key || c.closed {
		l.mu.Unlock()
		return
	}
	if c.elem == nil { // authenticated: counted under key again if it loses its credential
		c.key = key
		l.mu.Unlock()
		return
	}
	l.removeLocked(c)
	c.key = key
	victims := l.addLocked(c)
	l.mu.Unlock()
	l.closeShed(victims)
}

func (c *limitedConn) Close() error {
	l := c.l
	l.mu.Lock()
	if !c.closed {
		c.closed = true
		l.removeLocked(c)
		if c.authed {
			l.authed--
		}
	}
	l.mu.Unlock()
	return c.Conn.Close()
}

// addrKey is the client address a cap applies to (see ipKey).
func addrKey(a net.Addr) string {
	ta, ok := a.(*net.TCPAddr)
	if !ok {
		return a.String()
	}
	return ipKey(ta.IP)
}

// ipKey is the client a limit applies to, the connection caps and the login budget alike: the IPv4
// address, or the /64 of an IPv6 address (one host commonly holds a whole /64).
func ipKey(ip net.IP) string {
	if v4 := ip.To4(); v4 != nil {
		return v4.String()
	}
	return ip.Mask(net.CIDRMask(64, 128)).String() + "/64"
}

type connKey struct{}

// withConn is the server's ConnContext: it lets the auth middleware find the request's connection.
func withConn(ctx context.Context, c net.Conn) context.Context {
	if tc, ok := c.(*tls.Conn); ok {
		c = tc.NetConn()
	}
	if lc, ok := c.(*limitedConn); ok {
		return context.WithValue(ctx, connKey{}, lc)
	}
	return ctx
}

// connAuthenticated marks the connection of a request that carried a valid credential; live reports
// whether that credential still lives.
func connAuthenticated(ctx context.Context, live func() bool) {
	if lc, ok := ctx.Value(connKey{}).(*limitedConn); ok {
		lc.authenticate(live)
	}
}

// recheckConn is the server's outermost handler: before each request, on any route, it counts the
// request's connection as unauthenticated again if the credential that authenticated it has ended.
func recheckConn(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if lc, ok := r.Context().Value(connKey{}).(*limitedConn); ok {
			lc.recheck()
		}
		h.ServeHTTP(w, r)
	})
}
