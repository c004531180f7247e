package agency

import (
	"context"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/protocol"

	"github.com/porchlight/porchlight/federation"
	"github.com/porchlight/porchlight/federation/wire"
)

// TestSlowLogDelaysNoOtherAudit: one agency's log takes questions and never answers. An audit waiting on
// it holds up neither another audit started meanwhile nor, within that one, the other agency's log: the
// second audit, given 2 s, reports the honest log clean and the silent one unreachable while the first
// still waits. Before, audits ran one at a time under a lock held across the fetches, and one agency
// after another, so the second waited out the first's 30 s log timeout.
func TestSlowLogDelaysNoOtherAudit(t *testing.T) {
	ah := startAgencyHood(t, nil)
	home := ah.homes[0]
	silent := testNode(t, "Shelbyville PD", func(c *federation.Config) { c.Role = wire.RoleAgency }, nil)
	inv, err := ah.steward.InviteAgency("", time.Hour, nil, elm)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := silent.Join(ctx, inv.Code); err != nil {
		t.Fatalf("second agency joins: %v", err)
	}
	waitMembers(t, ah.hood, 4, home, silent)
	if err := home.Host().Connect(ctx, peerInfo(silent)); err != nil {
		t.Fatal(err)
	}

	asked, release := make(chan struct{}, 16), make(chan struct{})
	defer close(release) // before the nodes' cleanup
	silent.Host().SetStreamHandler(protocol.ID(protoLog), func(s network.Stream) {
		select {
		case asked <- struct{}{}:
		default:
		}
		<-release
		s.Reset()
	})

	first := make(chan []LogReport, 1)
	go func() {
		reps, _ := home.VerifyLogs(context.Background())
		first <- reps
	}()
	select {
	case <-asked: // the first audit waits on the silent log
	case <-time.After(30 * time.Second):
		t.Fatal("the first audit never asked the silent agency's log")
	}
	short, cancelShort := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancelShort()
	second := make(chan []LogReport, 1)
	go func() {
		reps, _ := home.VerifyLogs(short)
		second <- reps
	}()
	select {
	case reps := <-second:
		byAgency := map[string]LogReport{}
		for _, r := range reps {
			byAgency[r.AgencyName] = r
		}
		if r, ok := byAgency["Springfield PD"]; !ok || !r.OK() {
			t.Errorf("second audit, the answering agency: got %+v, want a clean report", r)
		}
		if r, ok := byAgency["Shelbyville PD"]; !ok || r.OK() || len(r.Problems) == 0 {
			t.Errorf("second audit, the silent agency: got %+v, want a problem reported", r)
		}
	case <-first:
		t.Fatal("the first audit ended before the second: the second waited for the first's silent log")
	case <-time.After(60 * time.Second):
		t.Fatal("the second audit did not end")
	}
}
