package recorder

import (
	"io"
	"net"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"
)

// A camera's RTP packets arrive over TCP one segment at a time, and a reader that is always waiting wakes
// (and makes a read syscall, then another that finds nothing) for nearly every packet: about 480 a second
// for a 4 Mbit/s camera, most of the recorder's CPU. batchConn reads at most once per readBatchInterval
// instead, on a tick shared by all cameras, taking whatever arrived meanwhile (several packets) with one
// syscall, so the process wakes ~20 times a second whatever the number of cameras and their packet rates.
// The price is up to readBatchInterval of added latency (live view, ~0.5 s behind, is the only reader
// that notices). 50 ms costs 40% less CPU than 20 ms at 4 cameras (BENCHMARKS.md); at 4 Mbit/s it is
// 26 kB waiting in the socket, far below the kernel's receive buffer, so the camera never waits on it.
const (
	readBatchInterval = 50 * time.Millisecond
	// readBatchSize bounds one read: 64 KiB per 50 ms is 10 Mbit/s; a stream faster than that fills the
	// buffer, and a full read is followed by another at once (the kernel holds more).
	readBatchSize = 64 << 10
)

// batchConn is the TCP connection to a camera with batched reads (see readBatchInterval). Batching starts
// with enable, once the session plays: the RTSP requests before then are answered without delay. Read
// is called by one goroutine at a time (gortsplib's reader), like a bufio.Reader.
//
// While batching, a read on a tick that finds nothing does not park in the runtime's netpoller (which
// would wake the reader for the next packet): it waits for the next tick. (SO_RCVLOWAT, to keep the kernel
// from signalling epoll between ticks, was tried: it held the camera's data back in the sender's socket,
// by 0.8 s in BenchmarkBrowserLiveLatency.)
//
// With a filter (plain RTSP over TCP), every read goes through it from the connection's first byte, and
// once the session sets a fast path, the frames of its channels are handled inside Read (fastpath.go);
// only the rest reaches the caller.
type batchConn struct {
	net.Conn
	raw   syscall.RawConn // nil when the connection has no file descriptor (tests)
	batch atomic.Bool
	buf   []byte
	out   []byte // what Read hands out: buf, or what the filter passed through
	r     int    // read position in out
	err   error  // returned once out is drained
	full  bool   // the last read filled buf
	now   func() time.Time
	sleep func(time.Duration)

	readFn func(uintptr) bool // readFD as a value
	rn     int                // result of the last readFD
	rerr   error

	filter        *frameFilter
	fast          atomic.Pointer[fastPath]
	keepaliveSecs int64 // Unix second of the last keepalive frame passed (fastpath.go)
	media         bool  // media was read since that keepalive
}

func newBatchConn(c net.Conn) *batchConn {
	bc := &batchConn{Conn: c, buf: make([]byte, readBatchSize), now: time.Now, sleep: time.Sleep}
	if sc, ok := c.(syscall.Conn); ok {
		bc.raw, _ = sc.SyscallConn()
	}
	bc.readFn = bc.readFD
	return bc
}

// enable starts batching reads.
func (c *batchConn) enable() { c.batch.Store(true) }

// setFastPath makes Read hand the frames of fp's channels to fp from the next read on. The connection
// must have been made with a filter.
func (c *batchConn) setFastPath(fp *fastPath) { c.fast.Store(fp) }

// Read hands out what the last read brought; when that is used up, it waits for the next tick (unless
// that read filled the buffer) and reads again, until a read brings something for the caller.
func (c *batchConn) Read(p []byte) (int, error) {
	for c.r == len(c.out) {
		if c.err != nil {
			return 0, c.err
		}
		var n int
		if !c.batch.Load() {
			n, c.err = c.Conn.Read(c.buf)
		} else {
			if !c.full {
				c.sleep(untilTick(c.now()))
			}
			n, c.err = c.readNow()
			c.full = n == len(c.buf)
		}
		c.r, c.out = 0, c.buf[:n]
		if c.filter != nil {
			c.out = c.filtered(c.out)
		}
	}
	n := copy(p, c.out[c.r:])
	c.r += n
	return n, nil
}

// filtered runs the filter over a read's bytes, hands the fast frames to the fast path, and returns what
// passes through, with a keepalive frame for gortsplib's read timeout in the first read of a second that
// follows media and ends at a frame boundary (fastpath.go).
func (c *batchConn) filtered(b []byte) []byte {
	fp := c.fast.Load()
	if fp == nil {
		pass, _ := c.filter.feed(b, nil)
		return pass
	}
	pass, frames := c.filter.feed(b, fp)
	if len(frames) > 0 {
		fp.deliver(frames)
		c.media = true
	}
	if c.media && c.filter.atFrameBoundary() {
		if secs := c.now().Unix(); secs != c.keepaliveSecs {
			c.keepaliveSecs, c.media = secs, false
			pass = append(pass, fp.keepalive...)
		}
	}
	return pass
}

// readNow reads what the socket holds without waiting: 0 bytes and no error if it holds nothing.
//
// The read is a raw system call, which the runtime does not track as one (syscall.Read would). The socket
// is non-blocking, so the call returns at once; a tracked call, made on every tick while the runtime's
// sysmon thread sleeps, would wake sysmon and reset its backoff to 20 µs polling for as long as the tick's
// work lasts: half the process's context switches at 4 cameras (perf record -e context-switches).
func (c *batchConn) readNow() (int, error) {
	if c.raw == nil {
		return c.Conn.Read(c.buf)
	}
	err := c.raw.Read(c.readFn)
	if err == nil {
		err = c.rerr
	}
	return c.rn, err
}

// readFD is readNow's read on the descriptor, a method value made once (newBatchConn): a closure made per
// read would be an allocation per tick per camera.
func (c *batchConn) readFD(fd uintptr) bool {
	for {
		n, err := rawRead(fd, c.buf)
		if err == syscall.EINTR {
			continue
		}
		if err == syscall.EAGAIN {
			n, err = 0, nil
		} else if err == nil && n == 0 {
			err = io.EOF
		}
		c.rn, c.rerr = max(n, 0), err
		return true
	}
}

// rawRead is read(2) on a non-blocking descriptor without the runtime's system call bookkeeping.
func rawRead(fd uintptr, p []byte) (int, error) {
	r, _, errno := syscall.RawSyscall(syscall.SYS_READ, fd, uintptr(unsafe.Pointer(unsafe.SliceData(p))), uintptr(len(p)))
	if errno != 0 {
		return -1, errno
	}
	return int(r), nil
}

// untilTick returns the time from t to the next multiple of readBatchInterval since the Unix epoch. Every
// camera's reader waits for the same ticks, so the runtime wakes once per tick for all of them rather than
// once for each: with 100 cameras, 20 wake-ups a second instead of 2,000.
func untilTick(t time.Time) time.Duration { return untilNext(t, readBatchInterval) }
