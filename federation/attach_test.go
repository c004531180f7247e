package federation

import (
	"fmt"
	"net"
	"slices"
	"testing"

	"github.com/libp2p/go-libp2p/core/protocol"

	"github.com/porchlight/porchlight/federation/agency"
)

// TestAgencySideAttachedBeforeHostStarts: New attaches the agency-request side before the host starts,
// so a peer can reach the node (and a request notice, sync or join arrive) only once it is there. Before,
// nvr attached it after New had started the host, and notices arriving at start-up were refused as
// "no-agency" on an agency node. The agency's protocols, handled before the host existed, are served.
func TestAgencySideAttachedBeforeHostStarts(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().(*net.TCPAddr)
	ln.Close() // the node listens on this port once its host starts
	cfg := testConfig(t, "Agency", func(c *Config) {
		c.Role = "agency"
		c.Listen = []string{fmt.Sprintf("/ip4/127.0.0.1/tcp/%d", addr.Port)}
	})
	var ag *agency.Agency
	cfg.AttachRequests = func(core *Node) (Requests, error) {
		if c, err := net.Dial("tcp", addr.String()); err == nil {
			c.Close()
			t.Errorf("a peer reached the node at %s before its agency side was attached", addr)
		}
		if core.requests() != nil {
			t.Error("the node has an agency side before AttachRequests returned it")
		}
		ag, err = agency.New(agency.Config{DataDir: cfg.DataDir, Key: cfg.Key, Role: cfg.Role}, core)
		return ag, err
	}
	n, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := ag.Close(); err != nil {
			t.Error(err)
		}
		if err := n.Close(); err != nil {
			t.Error(err)
		}
	}()
	if r := n.requests(); r != Requests(ag) {
		t.Fatalf("agency side after New: got %v, want the one AttachRequests built", r)
	}
	c, err := net.Dial("tcp", addr.String())
	if err != nil {
		t.Fatalf("the node does not listen after New: %v", err)
	}
	c.Close()
	protos := n.Host().Mux().Protocols()
	for _, p := range []protocol.ID{"/porchlight/log/1.0.0", "/porchlight/deliver/1.0.0"} {
		if !slices.Contains(protos, p) {
			t.Errorf("protocol %s of the agency side: not served (got %v)", p, protos)
		}
	}
}
