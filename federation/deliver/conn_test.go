package deliver

import (
	"bytes"
	"errors"
	"net"
	"sync"
)

// Connection wrappers that misbehave or observe in known ways. Each wraps the sender's end.

// countConn counts the bytes written and keeps a copy of the bytes read (the receiver's frames).
type countConn struct {
	net.Conn
	mu      sync.Mutex
	written int64
	read    bytes.Buffer
}

func (c *countConn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	c.mu.Lock()
	c.written += int64(n)
	c.mu.Unlock()
	return n, err
}

func (c *countConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.mu.Lock()
	c.read.Write(p[:n])
	c.mu.Unlock()
	return n, err
}

var errCut = errors.New("test: connection cut")

// cutConn writes the first limit bytes and then closes the connection, as a dropped link would.
type cutConn struct {
	net.Conn
	limit   int64
	written int64
}

func (c *cutConn) Write(p []byte) (int, error) {
	if left := c.limit - c.written; int64(len(p)) > left {
		n, _ := c.Conn.Write(p[:left])
		c.written += int64(n)
		c.Conn.Close()
		return n, errCut
	}
	n, err := c.Conn.Write(p)
	c.written += int64(n)
	return n, err
}

// flipConn inverts the byte at offset at (counted over everything written) on its way out.
type flipConn struct {
	net.Conn
	at      int64
	written int64
}

func (c *flipConn) Write(p []byte) (int, error) {
	if i := c.at - c.written; i >= 0 && i < int64(len(p)) {
		q := bytes.Clone(p) // the caller's buffer is not ours to change
		q[i] ^= 0xff
		p = q
	}
	n, err := c.Conn.Write(p)
	c.written += int64(n)
	return n, err
}

// gateConn lets the first write (the offer) through, then blocks the next one, having closed blocked,
// until release is closed.
type gateConn struct {
	net.Conn
	writes  int
	blocked chan struct{}
	release chan struct{}
}

func (c *gateConn) Write(p []byte) (int, error) {
	c.writes++
	if c.writes == 2 {
		close(c.blocked)
		<-c.release
	}
	return c.Conn.Write(p)
}
