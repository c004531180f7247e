package federation

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/p2p/net/swarm"
	ma "github.com/multiformats/go-multiaddr"

	"github.com/porchlight/porchlight/federation/roster"
	"github.com/porchlight/porchlight/federation/wire"
)

type joinRequest struct {
	Invite []byte `cbor:"1,keyasint"`
	Claim  []byte `cbor:"2,keyasint"`
	// Endorsements are other stewards' endorsements of an agency invite, from its code.
	Endorsements [][]byte `cbor:"3,keyasint,omitempty"`
}

type joinResponse struct {
	Error   string   `cbor:"1,keyasint,omitempty"`
	Code    string   `cbor:"2,keyasint,omitempty"` // expired | used | revoked | cosign | invalid
	Genesis []byte   `cbor:"3,keyasint,omitempty"`
	Cert    []byte   `cbor:"4,keyasint,omitempty"`
	Roster  [][]byte `cbor:"5,keyasint,omitempty"`
}

var joinCodes = map[string]error{"expired": ErrInviteExpired, "used": ErrInviteUsed, "revoked": ErrInviteRevoked,
	"cosign": ErrNotCosigned}

const joinTimeout = 45 * time.Second

// Join claims an invite: it reaches the issuing steward (directly, or through a relay the invite names),
// proves possession of this node's key, and stores the hood, its roster and our certificate.
func (n *Node) Join(ctx context.Context, code string) (HoodInfo, error) {
	invRec, inv, ends, err := wire.ParseInviteBundle(code)
	if err != nil {
		return HoodInfo{}, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	n.mu.RLock()
	_, already := n.hoods[inv.Hood]
	n.mu.RUnlock()
	if already {
		return HoodInfo{}, fmt.Errorf("%w: already a member of %q", ErrInviteUsed, inv.HoodName)
	}
	if n.now().UnixMilli() > inv.Expires {
		return HoodInfo{}, fmt.Errorf("%w at %s", ErrInviteExpired, time.UnixMilli(inv.Expires).UTC().Format(time.RFC3339))
	}
	issuer, err := roster.PeerOf(inv.Issuer)
	if err != nil {
		return HoodInfo{}, fmt.Errorf("%w: invite issuer: %w", ErrInvalid, err)
	}
	ctx, cancel := context.WithTimeout(ctx, joinTimeout)
	defer cancel()
	if err := n.reachIssuer(ctx, issuer, inv); err != nil {
		return HoodInfo{}, err
	}
	c := wire.Claim{Hood: inv.Hood, Invite: inv.ID, Member: n.pub(), Name: n.cfg.Name, Time: n.now().UnixMilli()}
	if inv.Scope != nil { // an agency's credential: approved clips are encrypted to this key
		r := n.requests()
		if r == nil {
			return HoodInfo{}, errNoRequests
		}
		if c.Recipient, err = r.Recipient(); err != nil {
			return HoodInfo{}, err
		}
	}
	claim, err := wire.Sign(wire.KindClaim, &c, n.cfg.Key)
	if err != nil {
		return HoodInfo{}, err
	}
	s, err := n.host.NewStream(network.WithAllowLimitedConn(ctx, "join"), issuer, protoJoin)
	if err != nil {
		return HoodInfo{}, fmt.Errorf("%w: steward %s: %w", ErrUnreachable, issuer, err)
	}
	defer s.Close()
	s.SetDeadline(time.Now().Add(joinTimeout))
	req := joinRequest{Invite: invRec.Marshal(), Claim: claim.Marshal()}
	for _, e := range ends {
		req.Endorsements = append(req.Endorsements, e.Marshal())
	}
	if err := wire.WriteFrame(s, &req); err != nil {
		return HoodInfo{}, fmt.Errorf("%w: steward %s: %w", ErrUnreachable, issuer, err)
	}
	var resp joinResponse
	if err := wire.NewFrameReader(s, maxFrame).Read(&resp); err != nil {
		return HoodInfo{}, fmt.Errorf("%w: steward %s: %w", ErrUnreachable, issuer, err)
	}
	if resp.Error != "" {
		if e, ok := joinCodes[resp.Code]; ok { // the steward's message starts with the sentinel's, maybe
			return HoodInfo{}, fmt.Errorf("%w: %s", e, strings.TrimPrefix(resp.Error, e.Error()+": "))
		}
		return HoodInfo{}, fmt.Errorf("%w: steward refused: %s", ErrInvalid, resp.Error)
	}
	return n.acceptJoin(inv, issuer, resp)
}

// reachIssuer connects to the invite's issuer, through the relays and via nodes the invite names.
func (n *Node) reachIssuer(ctx context.Context, issuer peer.ID, inv wire.Invite) error {
	until := time.UnixMilli(inv.Expires).Add(time.Minute)
	infos, err := parseP2PAddrs(inv.Addrs)
	if err != nil {
		return err
	}
	n.gater.allowDial(issuer, until)
	var direct []peer.AddrInfo
	for _, ai := range infos {
		n.gater.allowDial(ai.ID, until)
		n.host.Peerstore().AddAddrs(ai.ID, ai.Addrs, time.Hour)
		if ai.ID != issuer && ai.ID != n.self {
			direct = append(direct, ai)
			// The issuer may be behind NAT with a reservation on this relay: try a circuit through it.
			if circuit, err := ma.NewMultiaddr("/p2p/" + ai.ID.String() + "/p2p-circuit"); err == nil {
				for _, a := range ai.Addrs {
					n.host.Peerstore().AddAddr(issuer, a.Encapsulate(circuit), time.Hour)
				}
			}
		}
	}
	for _, ai := range direct { // relays first: circuit addresses of the issuer go through them
		cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		n.host.Connect(cctx, ai)
		cancel()
	}
	// A steward behind NAT may still be getting its relay reservation: keep trying until ctx ends.
	for {
		err = n.host.Connect(network.WithAllowLimitedConn(ctx, "join"), n.host.Peerstore().PeerInfo(issuer))
		if err == nil {
			return nil
		}
		if sw, ok := n.host.Network().(*swarm.Swarm); ok {
			sw.Backoff().Clear(issuer) // retry now, not after the swarm's dial backoff
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w: cannot reach the steward %s at %v: %w", ErrUnreachable, issuer, inv.Addrs, err)
		case <-time.After(2 * time.Second):
		}
	}
}

// acceptJoin checks the steward's answer and stores the hood.
func (n *Node) acceptJoin(inv wire.Invite, issuer peer.ID, resp joinResponse) (HoodInfo, error) {
	g, err := wire.Decode(resp.Genesis)
	if err != nil {
		return HoodInfo{}, fmt.Errorf("join: genesis: %w", err)
	}
	if g.ID() != inv.Hood {
		return HoodInfo{}, fmt.Errorf("%w: the steward sent the genesis of another hood", ErrInvalid)
	}
	r, err := roster.New(g)
	if err != nil {
		return HoodInfo{}, err
	}
	if !r.IsSteward(inv.Issuer) {
		return HoodInfo{}, fmt.Errorf("%w: the invite's issuer is not a steward of %q", ErrNotSteward, inv.HoodName)
	}
	cert, err := wire.Decode(resp.Cert)
	if err != nil {
		return HoodInfo{}, fmt.Errorf("join: certificate: %w", err)
	}
	c, id, err := r.CheckCert(cert)
	if err != nil || id != n.self || string(c.Invite) != string(inv.ID) {
		return HoodInfo{}, errors.Join(fmt.Errorf("%w: the steward's certificate is not ours", ErrInvalid), err)
	}
	recs, err := decodeRecords(resp.Roster)
	if err != nil {
		return HoodInfo{}, fmt.Errorf("join: roster: %w", err)
	}
	if err := n.addHood(g, cert, recs); err != nil {
		return HoodInfo{}, err
	}
	if b, err := wire.Marshal(inv.Addrs); err == nil {
		n.store.put(inv.Hood, bMeta, []byte("boot"), b)
	}
	n.kickSync(issuer)
	n.mu.RLock()
	defer n.mu.RUnlock()
	return n.info(n.hoods[inv.Hood]), nil
}
