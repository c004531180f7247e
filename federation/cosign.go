package federation

import (
	"encoding/hex"
	"fmt"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/porchlight/porchlight/federation/roster"
	"github.com/porchlight/porchlight/federation/wire"
)

// A steward cosigns another steward's agency invite here; how the endorsements count toward the hood's
// quorum is federation/roster's (Roster.Cosigned, Roster.CheckEndorsed).

// CosignInfo describes an agency invite a steward cosigned, for review before the code is passed on.
type CosignInfo struct {
	Code           string // the invite code with this steward's endorsement added
	Hood, HoodName string
	Issuer         peer.ID
	Signers        []peer.ID // the issuer, then every steward that endorsed it, this one last
	Quorum         int       // stewards the hood needs on an agency's credential
	Lat, Lon       float64   // scope centre, degrees
	Radius         float64   // metres
	MaxAreaSqMi    float64
	MaxWindow      time.Duration
	PerDay         int
	Credential     time.Time // when the agency's credential would expire
	InviteExpires  time.Time
}

// Cosign adds this steward's endorsement to an agency invite code another steward of the same hood
// issued, and returns the new code and what the invite allows.
func (n *Node) Cosign(code string) (CosignInfo, error) {
	rec, inv, ends, err := wire.ParseInviteBundle(code)
	if err != nil {
		return CosignInfo{}, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	if inv.Scope == nil {
		return CosignInfo{}, fmt.Errorf("%w: only an agency invite with a scope is cosigned", ErrInvalid)
	}
	if n.now().UnixMilli() > inv.Expires {
		return CosignInfo{}, fmt.Errorf("%w at %s", ErrInviteExpired, wire.Millis(inv.Expires).Format(time.RFC3339))
	}
	n.mu.RLock()
	h, ok := n.hoods[inv.Hood]
	var quorum int
	switch {
	case !ok:
		err = fmt.Errorf("%w %s (%q): this node is not in it", ErrUnknownHood, inv.Hood, inv.HoodName)
	case !h.r.IsSteward(n.pub()):
		err = fmt.Errorf("%w: this node is not a steward of %q", ErrNotSteward, inv.HoodName)
	case !h.r.IsSteward(inv.Issuer):
		err = fmt.Errorf("%w: the invite's issuer is not a steward of %q", ErrNotSteward, inv.HoodName)
	case h.r.InviteRevoked(inv.ID):
		err = ErrInviteRevoked
	default:
		quorum = h.r.Quorum()
	}
	n.mu.RUnlock()
	if err != nil {
		return CosignInfo{}, err
	}
	info := cosignInfo(inv, quorum)
	for _, e := range ends {
		var body wire.Endorsement
		if e.Open(wire.KindEndorsement, &body) == nil {
			if p, err := roster.PeerOf(body.Steward); err == nil {
				info.Signers = append(info.Signers, p)
			}
		}
	}
	for _, p := range info.Signers {
		if p == n.self {
			return CosignInfo{}, fmt.Errorf("%w: this steward signed this invite already", ErrInvalid)
		}
	}
	if len(ends) >= wire.MaxEndorsements {
		return CosignInfo{}, fmt.Errorf("%w: the invite carries %d endorsements already", ErrInvalid, len(ends))
	}
	e, err := wire.Endorse(inv, n.pub())
	if err != nil {
		return CosignInfo{}, err
	}
	mine, err := wire.Sign(wire.KindEndorsement, &e, n.cfg.Key)
	if err != nil {
		return CosignInfo{}, err
	}
	info.Code, info.Signers = wire.InviteCode(rec, append(ends, mine)...), append(info.Signers, n.self)
	n.log.Info("agency invite cosigned", "hood", inv.Hood, "invite", hex.EncodeToString(inv.ID),
		"signers", len(info.Signers), "quorum", quorum)
	return info, nil
}

func cosignInfo(inv wire.Invite, quorum int) CosignInfo {
	s := inv.Scope
	lat, lon := s.Area.Center.Degrees()
	issuer, _ := roster.PeerOf(inv.Issuer)
	return CosignInfo{Hood: inv.Hood, HoodName: inv.HoodName, Issuer: issuer, Signers: []peer.ID{issuer},
		Quorum: quorum, Lat: lat, Lon: lon, Radius: float64(s.Area.Radius),
		MaxAreaSqMi: float64(s.MaxArea) / roster.SquareMetresPerSqMi, MaxWindow: time.Duration(s.MaxWindow) * time.Millisecond,
		PerDay: int(s.PerDay), Credential: wire.Millis(s.Expires), InviteExpires: wire.Millis(inv.Expires)}
}

// checkEndorsed counts the endorsements an agency sent with its claim of one of our invites against the
// hood's quorum, before the invite is used up; it returns the valid ones, for the certificate.
func (n *Node) checkEndorsed(inv wire.Invite, raw [][]byte) ([][]byte, error) {
	n.mu.RLock()
	defer n.mu.RUnlock()
	h, ok := n.hoods[inv.Hood]
	if !ok {
		return nil, ErrUnknownHood
	}
	return h.r.CheckEndorsed(inv, raw, n.now().UnixMilli())
}
