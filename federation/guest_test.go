package federation

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/protocol"

	"github.com/porchlight/porchlight/federation/deliver"
	"github.com/porchlight/porchlight/federation/fedtest"
	"github.com/porchlight/porchlight/federation/tlog"
	"github.com/porchlight/porchlight/federation/wire"
)

// What a guest sees. A guest is a non-member the gater lets in so that it can join: every node with open
// invites, and every public relay (an agency's node) all the time. Each protocol a guest can open is
// tried here with a fresh key against an agency that runs a relay and against a steward's home with an
// open invite; a guest gets the join protocol's answer and the log's checkpoint and consistency proofs,
// and nothing else (README, "What a non-member sees").
func TestGuestSeesNoMemberData(t *testing.T) {
	clips := &fakeClips{Size: 64 << 10}
	steward := testNode(t, "Steward", func(c *Config) { c.Clips = clips })
	h, err := steward.CreateHood("Elm Street")
	if err != nil {
		t.Fatal(err)
	}
	agency := testNode(t, "Springfield PD", func(c *Config) { c.Role = wire.RoleAgency; c.RelayService = true })
	inv, err := steward.InviteAgency("", time.Hour, nil, Scope{Lat: fedtest.ElmLat, Lon: fedtest.ElmLon, Radius: 2000})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := agency.Join(ctx, inv.Code); err != nil {
		t.Fatalf("agency joins: %v", err)
	}
	waitMembers(t, h.ID, 2, steward, agency)
	req, err := agencyOf(agency).PostRequest(ctx, draft(20, 100))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now().Add(-time.Minute).Truncate(time.Millisecond)
	alert, err := steward.PostAlert(ctx, AlertDraft{Text: "package taken", Camera: "porch", Start: start,
		End: start.Add(30 * time.Second)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := steward.Invite(h.ID, wire.RoleHousehold, time.Hour, nil); err != nil { // so it takes guests
		t.Fatal(err)
	}

	for _, n := range []*Node{agency, steward} {
		t.Run(n.cfg.Name, func(t *testing.T) {
			g := outsider(t)
			if err := g.Connect(ctx, peerInfo(n)); err != nil {
				t.Fatalf("a guest connects to %s: %v", n.cfg.Name, err)
			}
			// refused checks the guest got no answer, or one that carries an error and nothing else.
			refused := func(t *testing.T, proto string, err error, answer string, empty bool) {
				t.Helper()
				if err == nil && (answer == "" || !empty) {
					t.Fatalf("%s answered a guest (error %q)", proto, answer)
				}
			}
			t.Run("join", func(t *testing.T) { // what guests are let in for: an answer, and no roster in it
				var resp joinResponse
				if err := guestAsk(ctx, g, n, protoJoin, &joinRequest{Invite: []byte("x"), Claim: []byte("y")}, &resp); err != nil {
					t.Fatal(err)
				}
				if resp.Error == "" || resp.Genesis != nil || resp.Cert != nil || resp.Roster != nil {
					t.Fatalf("a bogus claim got %+v, want only an error", resp)
				}
			})
			t.Run("sync", func(t *testing.T) {
				var f syncFrame
				err := guestAsk(ctx, g, n, protoSync, &syncRequest{Hood: h.ID}, &f)
				refused(t, "sync", err, "", len(f.Roster)+len(f.Peers)+len(f.Alerts)+len(f.Notices)+len(f.Checkpoints) == 0)
			})
			t.Run("clip", func(t *testing.T) {
				var hdr clipHeader
				err := guestAsk(ctx, g, n, protoClip, &clipRequest{Hood: h.ID, Alert: alert.ID}, &hdr)
				refused(t, "clip", err, hdr.Error, hdr.Size == 0)
			})
			t.Run("deliver", func(t *testing.T) {
				s, err := g.NewStream(ctx, n.ID(), protocol.ID(guestProtoDeliver))
				if err != nil {
					t.Fatal(err)
				}
				defer s.Close()
				body := []byte("not a clip")
				sum := sha256.Sum256(body)
				offer := deliver.Offer{ID: deliver.IDOf(sum), Manifest: []byte("x"), Size: int64(len(body)), SHA256: sum[:]}
				if _, err := deliver.Send(ctx, s, offer, bytes.NewReader(body)); err == nil {
					t.Fatal("a guest delivered a clip")
				}
			})
			t.Run("log entries", func(t *testing.T) {
				var resp guestLogResponse
				err := guestAsk(ctx, g, n, guestProtoLog, &guestLogRequest{Op: "entries", From: 0, Count: 10}, &resp)
				refused(t, "the log's entries", err, resp.Error, len(resp.Entries) == 0)
			})
			if n != agency {
				return
			}
			t.Run("log checkpoint and consistency", func(t *testing.T) { // public: holds the agency to one log
				var cp guestLogResponse
				if err := guestAsk(ctx, g, n, guestProtoLog, &guestLogRequest{Op: "checkpoint"}, &cp); err != nil || cp.Error != "" {
					t.Fatalf("checkpoint: %v %q", err, cp.Error)
				}
				v, err := tlog.NewVerifier("porchlight.log/"+agency.ID().String(), agency.pub())
				if err != nil {
					t.Fatal(err)
				}
				if _, err := tlog.ParseCheckpoint(cp.Checkpoint, v); err != nil {
					t.Fatalf("the guest's checkpoint: %v", err)
				}
				var proof guestLogResponse
				if err := guestAsk(ctx, g, n, guestProtoLog, &guestLogRequest{Op: "consistency", Old: 1, New: 1}, &proof); err != nil || proof.Error != "" {
					t.Fatalf("consistency: %v %q", err, proof.Error)
				}
			})
		})
	}
	for _, n := range []*Node{agency, steward} {
		if got := n.Rejected("guest"); got < 4 {
			t.Errorf("%s counted %v guest refusals, want at least 4 (sync, clip, deliver, log entries)", n.cfg.Name, got)
		}
	}
	// Members still read everything: the home's audit of the agency's log fetches its entries.
	reps, err := agencyOf(steward).VerifyLogs(ctx)
	if err != nil || len(reps) != 1 || !reps[0].OK() || reps[0].Size != 1 {
		t.Fatalf("a member's audit: %+v, %v; want one log of one entry that checks out", reps, err)
	}
	if _, err := agencyOf(steward).Request(req.ID); err != nil {
		t.Fatalf("the member's copy of the request: %v", err)
	}
}

// The agency's protocols as a guest speaks them: names and messages from the outside (federation/agency
// serves them).
const (
	guestProtoLog     = "/porchlight/log/1.0.0"
	guestProtoDeliver = "/porchlight/deliver/1.0.0"
)

type guestLogRequest struct {
	Op    string `cbor:"1,keyasint"`
	Old   int64  `cbor:"2,keyasint,omitempty"`
	New   int64  `cbor:"3,keyasint,omitempty"`
	From  int64  `cbor:"4,keyasint,omitempty"`
	Count int64  `cbor:"5,keyasint,omitempty"`
}

type guestLogResponse struct {
	Error      string   `cbor:"1,keyasint,omitempty"`
	Checkpoint []byte   `cbor:"2,keyasint,omitempty"`
	Proof      []byte   `cbor:"3,keyasint,omitempty"`
	Entries    [][]byte `cbor:"4,keyasint,omitempty"`
}

// guestAsk opens proto on n from g, sends one frame and reads one; an error means the stream was refused.
func guestAsk(ctx context.Context, g host.Host, n *Node, proto string, req, resp any) error {
	s, err := g.NewStream(ctx, n.ID(), protocol.ID(proto))
	if err != nil {
		return err
	}
	defer s.Close()
	s.SetDeadline(time.Now().Add(10 * time.Second))
	if err := wire.WriteFrame(s, req); err != nil {
		return err
	}
	if err := wire.NewFrameReader(s, maxFrame).Read(resp); err != nil {
		return errors.Join(errors.New("no answer"), err)
	}
	return nil
}
