package democam

import (
	"fmt"
	"net"
	"strconv"
)

// udpPairAttempts bounds the search for two adjacent free UDP ports.
const udpPairAttempts = 64

// listeners are the sockets Start binds itself before gortsplib starts, so
// that port 0 resolves to real ports without a window in which another
// process could take them. gortsplib receives them through its Listen and
// ListenPacket hooks.
type listeners struct {
	tcp  net.Listener
	rtp  *net.UDPConn // even port
	rtcp *net.UDPConn // rtp port + 1, as RTSP requires
}

// bindListeners binds the RTSP TCP listener on addr and an even/odd pair of
// UDP ports on the same host.
func bindListeners(addr string) (*listeners, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("democam: listen address %q: %w", addr, err)
	}
	tcp, err := net.Listen(network("tcp", host), addr)
	if err != nil {
		return nil, fmt.Errorf("democam: listen %s: %w", addr, err)
	}
	rtp, rtcp, err := bindUDPPair(host)
	if err != nil {
		tcp.Close()
		return nil, err
	}
	return &listeners{tcp: tcp, rtp: rtp, rtcp: rtcp}, nil
}

// bindUDPPair binds two adjacent UDP ports, the lower one even.
func bindUDPPair(host string) (*net.UDPConn, *net.UDPConn, error) {
	var lastErr error
	for range udpPairAttempts {
		a, err := listenUDP(host, 0)
		if err != nil {
			return nil, nil, err
		}
		port := a.LocalAddr().(*net.UDPAddr).Port
		other := port + 1
		if port%2 == 1 {
			other = port - 1
		}
		b, err := listenUDP(host, other)
		if err != nil {
			a.Close()
			lastErr = err
			continue
		}
		if port%2 == 1 {
			return b, a, nil
		}
		return a, b, nil
	}
	return nil, nil, fmt.Errorf("democam: no adjacent free UDP ports on %q after %d attempts: %w",
		host, udpPairAttempts, lastErr)
}

func listenUDP(host string, port int) (*net.UDPConn, error) {
	addr := net.JoinHostPort(host, strconv.Itoa(port))
	pc, err := net.ListenPacket(network("udp", host), addr)
	if err != nil {
		return nil, fmt.Errorf("democam: listen udp %s: %w", addr, err)
	}
	return pc.(*net.UDPConn), nil
}

// network keeps an explicit 0.0.0.0 on IPv4, as gortsplib does, instead of
// Go's dual-stack default for unspecified addresses.
func network(base, host string) string {
	if host == "0.0.0.0" {
		return base + "4"
	}
	return base
}

// tcpAddr, rtpAddr and rtcpAddr are the bound addresses given to gortsplib.
func (l *listeners) tcpAddr() string  { return l.tcp.Addr().String() }
func (l *listeners) rtpAddr() string  { return l.rtp.LocalAddr().String() }
func (l *listeners) rtcpAddr() string { return l.rtcp.LocalAddr().String() }

// listen is gortsplib.Server.Listen: it hands over the bound TCP listener.
func (l *listeners) listen(_, address string) (net.Listener, error) {
	if address != l.tcpAddr() {
		return nil, fmt.Errorf("democam: unexpected TCP listen on %s", address)
	}
	return l.tcp, nil
}

// listenPacket is gortsplib.Server.ListenPacket: it hands over the bound UDP
// sockets by address.
func (l *listeners) listenPacket(_, address string) (net.PacketConn, error) {
	switch address {
	case l.rtpAddr():
		return l.rtp, nil
	case l.rtcpAddr():
		return l.rtcp, nil
	}
	return nil, fmt.Errorf("democam: unexpected UDP listen on %s", address)
}

// close closes all sockets; gortsplib closes the ones it took over as well,
// and closing twice is harmless.
func (l *listeners) close() {
	l.tcp.Close()
	l.rtp.Close()
	l.rtcp.Close()
}
