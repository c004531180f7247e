package roster

import (
	"fmt"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/porchlight/porchlight/federation/wire"
)

// MaxInviteTTL bounds how long an invite stays valid.
const MaxInviteTTL = 30 * 24 * time.Hour

// InviteRole checks the role and lifetime of an invite to issue; role "" means a household.
func InviteRole(role string, ttl time.Duration) (string, error) {
	if role == "" {
		role = wire.RoleHousehold
	}
	if role != wire.RoleHousehold && role != wire.RoleAgency {
		return "", fmt.Errorf("%w: role must be household or agency, not %q", ErrInvalid, role)
	}
	if ttl <= 0 || ttl > MaxInviteTTL {
		return "", fmt.Errorf("%w: ttl must be between 1s and %s", ErrInvalid, MaxInviteTTL)
	}
	return role, nil
}

// OpenClaim checks a joiner's claim of an invite the steward (its member key) issued, made over a
// connection from remote: the invite is the steward's, the claim names it and is signed by remote's
// key, and a claim of an agency invite names the agency's encryption key. For an agency invite it returns
// the scope the credential will carry. Whether the invite is still open, and the stewards' quorum, are
// the steward's checks (its store; Roster.CheckEndorsed).
func OpenClaim(invite, claim, steward []byte, remote peer.ID) (wire.Invite, wire.Claim, *wire.Scope, error) {
	var inv wire.Invite
	var cl wire.Claim
	invRec, err := wire.Decode(invite)
	if err != nil {
		return inv, cl, nil, err
	}
	if err := invRec.Open(wire.KindInvite, &inv); err != nil {
		return inv, cl, nil, err
	}
	if string(inv.Issuer) != string(steward) || invRec.Verify(inv.Issuer) != nil {
		return inv, cl, nil, fmt.Errorf("%w: not an invite of this steward", ErrInvalid)
	}
	claimRec, err := wire.Decode(claim)
	if err != nil {
		return inv, cl, nil, err
	}
	if err := claimRec.Open(wire.KindClaim, &cl); err != nil {
		return inv, cl, nil, err
	}
	claimant, err := PeerOf(cl.Member)
	if err != nil || claimant != remote || cl.Hood != inv.Hood || string(cl.Invite) != string(inv.ID) {
		return inv, cl, nil, fmt.Errorf("%w: the claim does not match the invite or the connection", ErrInvalid)
	}
	if err := claimRec.Verify(cl.Member); err != nil {
		return inv, cl, nil, fmt.Errorf("claim: %w", err)
	}
	if inv.Scope == nil {
		return inv, cl, nil, nil
	}
	if cl.Recipient == "" {
		return inv, cl, nil, fmt.Errorf("%w: an agency invite is claimed with the agency's encryption key", ErrInvalid)
	}
	sc := *inv.Scope
	sc.Recipient = cl.Recipient
	return inv, cl, &sc, nil
}

// MaxStewards is how many stewards a genesis may list.
const MaxStewards = 16

// Founding is how a hood is founded beyond its name.
type Founding struct {
	// CoStewards are the other stewards, by the peer IDs they print with `porchlight hood id`. They join
	// by an ordinary invite; being stewards follows from the genesis.
	CoStewards []peer.ID
	// AgencyQuorum is how many distinct stewards must sign an agency's credential: 1 to the number of
	// stewards; 0 means 2 with co-stewards, else 1.
	AgencyQuorum int
}

// Stewards returns the genesis's stewards (founder first: it signs the genesis) and its agency quorum.
func (f Founding) Stewards(founder []byte) ([][]byte, int, error) {
	self, err := PeerOf(founder)
	if err != nil {
		return nil, 0, fmt.Errorf("%w: founder key: %w", ErrInvalid, err)
	}
	stewards := [][]byte{founder}
	seen := map[peer.ID]bool{self: true}
	for _, p := range f.CoStewards {
		if seen[p] {
			return nil, 0, fmt.Errorf("%w: co-steward %s listed twice or is this node", ErrInvalid, p)
		}
		seen[p] = true
		k, err := KeyOf(p)
		if err != nil {
			return nil, 0, err
		}
		stewards = append(stewards, k)
	}
	if len(stewards) > MaxStewards {
		return nil, 0, fmt.Errorf("%w: a hood has at most %d stewards", ErrInvalid, MaxStewards)
	}
	q := f.AgencyQuorum
	if q == 0 {
		q = min(2, len(stewards))
	}
	if q < 1 || q > len(stewards) {
		return nil, 0, fmt.Errorf("%w: agency quorum must be 1 to %d (the stewards), not %d", ErrInvalid, len(stewards), q)
	}
	return stewards, q, nil
}
