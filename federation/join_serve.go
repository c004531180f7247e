package federation

import (
	"errors"
	"time"

	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/porchlight/porchlight/federation/roster"
	"github.com/porchlight/porchlight/federation/wire"
)

// setHandlers registers the core's stream protocols, and says who may open each. A guest (a non-member
// the gater let in so that it can join: see gater.go) reaches the join protocol; sync and clip are for
// members, and a guest's stream is reset before a byte of it is read. The agency-request side serves the
// log protocol to guests too, but only its checkpoints and consistency proofs (serveLog), and delivery
// to members only (agency.New, through Handle). The README's "What a non-member sees" is this list.
func (n *Node) setHandlers() {
	n.Handle(protoJoin, true, n.serveJoin)
	n.Handle(protoSync, false, n.serveSync)
	n.Handle(protoClip, false, n.serveClip)
}

// membersOnly refuses a stream from anyone who is not an active member of one of our hoods, counted as
// "guest". The handler still checks membership of the hood it serves.
func (n *Node) membersOnly(proto string, serve network.StreamHandler) network.StreamHandler {
	return func(s network.Stream) {
		if p := s.Conn().RemotePeer(); !n.isMember(p) {
			n.rejects.reject(p, "guest", proto)
			s.Reset()
			return
		}
		serve(s)
	}
}

// serveJoin answers a joiner's claim of one of our invites.
func (n *Node) serveJoin(s network.Stream) {
	defer s.Close()
	s.SetDeadline(time.Now().Add(joinTimeout))
	remote := s.Conn().RemotePeer()
	var req joinRequest
	if err := wire.NewFrameReader(s, maxFrame).Read(&req); err != nil {
		n.rejects.reject(remote, "join", err.Error())
		s.Reset()
		return
	}
	resp, err := n.admit(remote, req)
	if err != nil {
		resp = joinResponse{Error: err.Error(), Code: joinCode(err)}
		n.rejects.reject(remote, "join-"+resp.Code, err.Error())
	}
	wire.WriteFrame(s, &resp)
}

func joinCode(err error) string {
	for code, e := range joinCodes {
		if errors.Is(err, e) {
			return code
		}
	}
	return "invalid"
}

// admit checks an invite claim, records it (first claim wins) and issues the certificate.
func (n *Node) admit(claimant peer.ID, req joinRequest) (joinResponse, error) {
	inv, claim, scope, err := roster.OpenClaim(req.Invite, req.Claim, n.pub(), claimant)
	if err != nil {
		return joinResponse{}, err
	}
	var endorsements [][]byte
	if scope != nil {
		if endorsements, err = n.checkEndorsed(inv, req.Endorsements); err != nil {
			return joinResponse{}, err
		}
	}
	if err := n.claimInvite(inv.Hood, inv, claim.Member); err != nil {
		return joinResponse{}, err
	}
	cert, err := wire.Sign(wire.KindCert, &wire.Cert{Hood: inv.Hood, Member: claim.Member, Role: inv.Role,
		Name: claim.Name, Issued: n.now().UnixMilli(), Invite: inv.ID, Issuer: n.pub(), Scope: scope,
		Claim: agencyClaim(scope, req.Claim), Endorsements: endorsements}, n.cfg.Key)
	if err != nil {
		return joinResponse{}, err
	}
	// A retried claim gets the certificate it already has.
	n.mu.RLock()
	h := n.hoods[inv.Hood]
	if h == nil { // left the hood since the invite was checked
		n.mu.RUnlock()
		return joinResponse{}, ErrNotMember
	}
	if m, ok := h.r.Member(claimant); ok && string(m.Cert.Invite) == string(inv.ID) {
		cert = m.Rec
	}
	n.mu.RUnlock()
	if _, err := n.applyRecord(inv.Hood, cert); err != nil {
		return joinResponse{}, err
	}
	n.publish(inv.Hood, cert)
	n.mu.RLock()
	resp := joinResponse{Genesis: h.r.GenesisRecord().Marshal(), Cert: cert.Marshal(), Roster: encodeRecords(h.r.Records())}
	n.mu.RUnlock()
	n.log.Info("member admitted", "hood", inv.Hood, "member", claimant, "name", claim.Name, "role", inv.Role)
	return resp, nil
}

// agencyClaim is the claim a credential carries: the agency's, when the invite gave a scope.
func agencyClaim(scope *wire.Scope, claim []byte) []byte {
	if scope == nil {
		return nil
	}
	return claim
}
