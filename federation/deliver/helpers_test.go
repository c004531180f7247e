package deliver

import (
	"bytes"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"sync"
	"testing"
	"time"

	"filippo.io/age"

	"github.com/porchlight/porchlight/internal/testutil"
)

// clip is a sealed test clip: the ciphertext in a real file, and what it takes to check and open it.
type clip struct {
	path string
	sums Sums
	id   *age.X25519Identity
}

func (c clip) offer(manifest string) Offer { return NewOffer([]byte(manifest), c.sums) }

// open returns the ciphertext file, closed at the end of the test.
func (c clip) open(t testing.TB) *os.File {
	t.Helper()
	f, err := os.Open(c.path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// plain returns n bytes of seeded pseudo-random plaintext.
func plain(n int64, seed uint64) io.Reader {
	return io.LimitReader(rand.NewChaCha8([32]byte{byte(seed)}), n)
}

// sealClip seals n bytes of pseudo-random plaintext to a fresh identity, into a file in a temp dir.
func sealClip(t testing.TB, n int64) clip {
	t.Helper()
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "clip.age")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sums, err := Seal(f, plain(n, uint64(n)), id.Recipient())
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return clip{path: path, sums: sums, id: id}
}

// tcpPair returns both ends of a fresh TCP connection on 127.0.0.1, closed at the end of the test.
func tcpPair(t testing.TB) (client, server net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, _ := ln.Accept()
		accepted <- c
	}()
	client, err = net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	server = <-accepted
	if server == nil {
		t.Fatal("accept failed")
	}
	t.Cleanup(func() { client.Close(); server.Close() })
	return client, server
}

// serve runs r.Serve on conn and returns a channel with its result; the conn is closed when Serve returns,
// as a stream handler would.
func serve(r *Receiver, conn net.Conn) <-chan error {
	out := make(chan error, 1)
	go func() {
		err := r.Serve(conn)
		conn.Close()
		out <- err
	}()
	return out
}

// wait returns the result of a serve channel, failing the test if it takes over a minute.
func wait(t testing.TB, ch <-chan error) error {
	t.Helper()
	select {
	case err := <-ch:
		return err
	case <-time.After(time.Minute):
		t.Fatal("Serve did not return")
		return nil
	}
}

// newReceiver returns a receiver into a temp dir that accepts everything and signs nothing: its receipt
// is "receipt:" and the ID, and it counts Complete calls.
func newReceiver(t testing.TB) (*Receiver, *int) {
	t.Helper()
	var mu sync.Mutex
	calls := new(int)
	return &Receiver{
		Dir:    t.TempDir(),
		Accept: func(Offer) error { return nil },
		Complete: func(o Offer, path string) ([]byte, error) {
			mu.Lock()
			defer mu.Unlock()
			*calls++
			return []byte("receipt:" + o.ID), nil
		},
	}, calls
}

// sameFile fails the test unless the files at a and b have the same contents.
func sameFile(t testing.TB, a, b string) {
	t.Helper()
	na, sa, err := hashFile(a)
	if err != nil {
		t.Fatal(err)
	}
	nb, sb, err := hashFile(b)
	if err != nil {
		t.Fatal(err)
	}
	if na != nb || sa != sb {
		t.Fatalf("%s (%d bytes, %x) differs from %s (%d bytes, %x)", b, nb, sb[:8], a, na, sa[:8])
	}
}

// frameLen is the length on the wire of v as a frame.
func frameLen(t testing.TB, v any) int64 {
	t.Helper()
	var b bytes.Buffer
	if err := writeFrame(&b, v); err != nil {
		t.Fatal(err)
	}
	return int64(b.Len())
}

// checkNoLeaks fails the test if, at its end, goroutines running this package's code are still there after
// a few seconds. Call it first in a test so its cleanup runs after the others (which close the conns).
func checkNoLeaks(t *testing.T) {
	t.Cleanup(func() { waitGone(t, "porchlight/federation/deliver.") })
}

// waitGone fails the test unless, within a few seconds, no goroutine but the caller's has code in its
// stack whose name contains fn.
func waitGone(t *testing.T, fn string) {
	t.Helper()
	var left []string
	gone := func() bool {
		var b bytes.Buffer
		pprof.Lookup("goroutine").WriteTo(&b, 2)
		left = nil
		for _, g := range strings.Split(b.String(), "\n\n")[1:] { // the first is this goroutine
			if strings.Contains(g, fn) {
				left = append(left, g)
			}
		}
		return len(left) == 0
	}
	if !testutil.Poll(5*time.Second, gone) {
		t.Errorf("%d goroutines running %s:\n%s", len(left), fn, strings.Join(left, "\n\n"))
	}
}
