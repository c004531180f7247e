package recorder

import (
	"bytes"
	"errors"
	"io"
	"net"
	"testing"
	"time"

	"github.com/porchlight/porchlight/internal/testutil"
)

// chunkConn is a net.Conn whose Read returns at most chunk bytes of data, counting the calls.
type chunkConn struct {
	net.Conn
	data  *bytes.Reader
	chunk int
	reads int
}

func (c *chunkConn) Read(p []byte) (int, error) {
	c.reads++
	return c.data.Read(p[:min(len(p), c.chunk)])
}

// fakeClock is a clock that only moves when slept on.
type fakeClock struct {
	t     time.Time
	slept []time.Duration
}

func (f *fakeClock) now() time.Time { return f.t }
func (f *fakeClock) sleep(d time.Duration) {
	f.slept = append(f.slept, d)
	f.t = f.t.Add(d)
}

func newTestBatchConn(data []byte, chunk int, start time.Time) (*batchConn, *chunkConn, *fakeClock) {
	cc := &chunkConn{data: bytes.NewReader(data), chunk: chunk}
	clk := &fakeClock{t: start}
	bc := newBatchConn(cc)
	bc.now, bc.sleep = clk.now, clk.sleep
	return bc, cc, clk
}

func TestBatchConnWaitsForTheTickOncePlaying(t *testing.T) {
	data := bytes.Repeat([]byte("0123456789"), 3000) // 30 kB
	start := time.Unix(1700000000, int64(5*time.Millisecond))
	bc, cc, clk := newTestBatchConn(data, 10000, start)

	// Before enable (RTSP requests): no waiting.
	p := make([]byte, 4096) // gortsplib's bufio.Reader asks for 4 KiB at a time
	if _, err := bc.Read(p); err != nil {
		t.Fatal(err)
	}
	if len(clk.slept) != 0 {
		t.Fatalf("slept %v before enable, want no sleep", clk.slept)
	}
	bc.enable()
	got := append([]byte(nil), p[:4096]...)
	for {
		n, err := bc.Read(p)
		got = append(got, p[:n]...)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(got, data) {
		t.Fatalf("read %d bytes that differ from the %d written", len(got), len(data))
	}
	// 30 kB in reads of 10 kB: 3 reads with data and one that finds EOF, each after the first on a tick.
	if cc.reads != 4 {
		t.Errorf("got %d reads of the connection, want 4", cc.reads)
	}
	want := []time.Duration{readBatchInterval - 5*time.Millisecond, readBatchInterval, readBatchInterval}
	if len(clk.slept) != len(want) {
		t.Fatalf("slept %v, want %v", clk.slept, want)
	}
	for i := range want {
		if clk.slept[i] != want[i] {
			t.Fatalf("slept %v, want %v", clk.slept, want)
		}
	}
}

func TestBatchConnReadsAgainAtOnceAfterAFullBuffer(t *testing.T) {
	data := make([]byte, 2*readBatchSize+100)
	bc, cc, clk := newTestBatchConn(data, readBatchSize, time.Unix(1700000000, 0))
	bc.enable()
	n, err := io.Copy(io.Discard, struct{ io.Reader }{bc})
	if err != nil || n != int64(len(data)) {
		t.Fatalf("copied %d bytes (err %v), want %d", n, err, len(data))
	}
	// Read 1 waits for a tick (the first read has no previous one); read 2 follows a full buffer and does
	// not; read 3 follows a full buffer too; read 4 (EOF) follows a short one and waits.
	if cc.reads != 4 || len(clk.slept) != 2 {
		t.Fatalf("got %d reads and sleeps %v, want 4 reads and 2 sleeps", cc.reads, clk.slept)
	}
}

// Over a real socket (the raw, non-blocking read path), every byte arrives, in order, and
// the end of the stream is io.EOF.
func TestBatchConnOverTCP(t *testing.T) {
	data := make([]byte, 3*readBatchSize+1234)
	for i := range data {
		data[i] = byte(i * 7)
	}
	bc := newBatchConn(dialServing(t, data))
	defer bc.Close()
	if bc.raw == nil {
		t.Fatal("a TCP connection gave no raw connection")
	}
	bc.enable()
	got, err := io.ReadAll(struct{ io.Reader }{bc})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, data) {
		t.Fatalf("read %d bytes that differ from the %d written", len(got), len(data))
	}
}

// dialServing returns a loopback TCP connection whose peer writes data in 1500-byte segments, then closes.
func dialServing(t *testing.T, data []byte) net.Conn {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		for rest := data; len(rest) > 0; {
			n := min(len(rest), 1500)
			if _, err := c.Write(rest[:n]); err != nil {
				return
			}
			rest = rest[n:]
		}
	}()
	nc, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	return nc
}

// A batching reader ends when its connection does: closed under it by the client (a camera stopped or
// timed out) while it waits between ticks on a quiet socket, Read returns an error instead of waiting on;
// reset by the camera after some data, Read hands out that data first and then the error, and the error
// stays.
func TestBatchConnEndsWithItsConnection(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	peers := make(chan net.Conn, 2)
	g := testutil.Goroutines()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			peers <- c
		}
	}()
	dial := func() (*batchConn, *net.TCPConn) {
		t.Helper()
		nc, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		bc := newBatchConn(nc)
		bc.enable()
		return bc, (<-peers).(*net.TCPConn)
	}

	// Closed by the client: the camera sends nothing, so every tick finds the socket empty.
	bc, peer := dial()
	defer peer.Close()
	done := make(chan error, 1)
	go func() {
		_, err := bc.Read(make([]byte, 4096))
		done <- err
	}()
	bc.Close()
	select {
	case err := <-done:
		if !errors.Is(err, net.ErrClosed) {
			t.Errorf("Read after Close: %v, want net.ErrClosed", err)
		}
	case <-time.After(5 * time.Second): // a bound on a hang, not a measurement
		t.Fatal("Read still waiting 5 s after the connection was closed")
	}

	// Reset by the camera after 1,000 bytes.
	bc2, peer2 := dial()
	defer bc2.Close()
	if _, err := peer2.Write(bytes.Repeat([]byte{7}, 1000)); err != nil {
		t.Fatal(err)
	}
	testutil.WaitFor(t, 5*time.Second, "the bytes to arrive", func() bool {
		n, err := bc2.Read(make([]byte, 1))
		return n == 1 && err == nil
	})
	peer2.SetLinger(0)
	peer2.Close() // RST
	got := 1
	for err = nil; err == nil; {
		var n int
		n, err = bc2.Read(make([]byte, 4096))
		got += n
	}
	if got != 1000 || errors.Is(err, io.EOF) {
		t.Errorf("read %d bytes, then %v; want 1000 bytes, then a reset", got, err)
	}
	if _, again := bc2.Read(make([]byte, 1)); again == nil {
		t.Error("a Read after the error returned no error")
	}
	bc2.Close()
	ln.Close()
	g.CheckEnded(t, 5*time.Second)
}
