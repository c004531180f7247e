package federation

import (
	"context"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/porchlight/porchlight/federation/agency"
	"github.com/porchlight/porchlight/federation/wire"
	"github.com/porchlight/porchlight/internal/testutil"
)

// uncheckedOwn is an agency side that publishes its own notices unchecked: an operator running modified
// software. Others' notices it checks as usual.
type uncheckedOwn struct {
	*agency.Agency
	self peer.ID
}

func (u uncheckedOwn) CheckNotice(hood string, rec wire.Signed, author peer.ID) (any, error) {
	if author == u.self {
		return nil, nil
	}
	return u.Agency.CheckNotice(hood, rec, author)
}

// bareNode starts a hood core with no agency side attached, running until the test ends.
func bareNode(t *testing.T, name string) *Node {
	t.Helper()
	n, err := New(testConfig(t, name, nil))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { n.Run(ctx); close(done) }()
	t.Cleanup(func() {
		cancel()
		<-done
		if err := n.Close(); err != nil {
			t.Error(err)
		}
	})
	return n
}

// A node with no agency side takes no request notices: it refuses them and counts them, like other
// messages it rejects, rather than dropping them unseen.
func TestNoAgencyRejectsNotices(t *testing.T) {
	s := testNode(t, "Steward", nil)
	bare := bareNode(t, "Bare")
	h, err := s.CreateHood("Elm Street")
	if err != nil {
		t.Fatal(err)
	}
	join(t, s, bare, wire.RoleHousehold)
	waitMembers(t, h.ID, 2, s, bare)
	al, err := s.PostAlert(context.Background(), AlertDraft{Hood: h.ID, Text: "gossip reaches the bare node"})
	if err != nil {
		t.Fatal(err)
	}
	waitAlerts(t, 20*time.Second, []string{al.ID}, bare)

	s.SetRequests(uncheckedOwn{agencyOf(s), s.ID()})
	rec, err := wire.Sign(wire.KindNotice, &wire.Notice{Request: []byte("not a request"), Index: 1}, s.cfg.Key)
	if err != nil {
		t.Fatal(err)
	}
	before := bare.Rejected(reasonNoAgency)
	if err := s.Publish(h.ID, rec); err != nil {
		t.Fatal(err)
	}
	testutil.WaitFor(t, 20*time.Second, "the bare node to count the notice under "+reasonNoAgency, func() bool {
		return bare.Rejected(reasonNoAgency) > before
	})
}
