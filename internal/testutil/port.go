package testutil

import (
	"net"
	"testing"
)

// FreePort returns a TCP port free on 127.0.0.1 at the time of the call, for a server a test starts as
// another process (which must be told its port).
func FreePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}
