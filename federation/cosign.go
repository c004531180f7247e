package federation

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/porchlight/porchlight/federation/wire"
)

// An agency's credential needs the signatures of a quorum of the hood's stewards (the genesis's
// AgencyQuorum): the steward that issues the certificate and the stewards that endorsed its invite. The
// endorsements travel in the invite code, then in the agency's join request, then in its certificate,
// where every home counts them again before it takes a request.

// ErrNotCosigned means an agency's invite or credential lacks the signatures of enough stewards.
var ErrNotCosigned = errors.New("not cosigned by enough stewards")

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
		return CosignInfo{}, fmt.Errorf("%w at %s", ErrInviteExpired, ms(inv.Expires).Format(time.RFC3339))
	}
	n.mu.RLock()
	h, ok := n.hoods[inv.Hood]
	var quorum int
	switch {
	case !ok:
		err = fmt.Errorf("%w %s (%q): this node is not in it", ErrUnknownHood, inv.Hood, inv.HoodName)
	case !h.r.isSteward(n.pub()):
		err = fmt.Errorf("%w: this node is not a steward of %q", ErrNotSteward, inv.HoodName)
	case !h.r.isSteward(inv.Issuer):
		err = fmt.Errorf("%w: the invite's issuer is not a steward of %q", ErrNotSteward, inv.HoodName)
	case h.r.revInvites[hex.EncodeToString(inv.ID)].Body != nil:
		err = ErrInviteRevoked
	default:
		quorum = h.r.genesis.Quorum()
	}
	n.mu.RUnlock()
	if err != nil {
		return CosignInfo{}, err
	}
	info := cosignInfo(inv, quorum)
	for _, e := range ends {
		var body wire.Endorsement
		if e.Open(wire.KindEndorsement, &body) == nil {
			if p, err := peerOf(body.Steward); err == nil {
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
	issuer, _ := peerOf(inv.Issuer)
	return CosignInfo{Hood: inv.Hood, HoodName: inv.HoodName, Issuer: issuer, Signers: []peer.ID{issuer},
		Quorum: quorum, Lat: lat, Lon: lon, Radius: float64(s.Area.Radius),
		MaxAreaSqMi: float64(s.MaxArea) / squareMetresPerSqMi, MaxWindow: time.Duration(s.MaxWindow) * time.Millisecond,
		PerDay: int(s.PerDay), Credential: ms(s.Expires), InviteExpires: ms(inv.Expires)}
}

// endorsers returns the distinct stewards of the hood, other than issuer, whose endorsements among raw
// count for an agency's credential: each signed by a steward of the genesis, of this hood, invite and
// scope, and claimed (at, unix ms) before it expired. valid are those endorsements, encoded. Call with
// n.mu held.
func (r *roster) endorsers(issuer []byte, invite []byte, scope *wire.Scope, at int64, raw [][]byte) (keys, valid [][]byte) {
	for _, b := range raw[:min(len(raw), wire.MaxEndorsements)] {
		_, e, err := wire.OpenEndorsement(b)
		if err != nil || !r.isSteward(e.Steward) || bytes.Equal(e.Steward, issuer) ||
			!e.Endorses(r.id, invite, scope, at) {
			continue
		}
		dup := false
		for _, k := range keys {
			dup = dup || bytes.Equal(k, e.Steward)
		}
		if !dup {
			keys, valid = append(keys, e.Steward), append(valid, b)
		}
	}
	return keys, valid
}

// cosigned counts the stewards that signed an agency's certificate (its issuer and its valid
// endorsements) against the hood's quorum; it returns the signers' keys and how many more are needed.
// Call with n.mu held.
func (r *roster) cosigned(c wire.Cert) (signers [][]byte, short int) {
	keys, _ := r.endorsers(c.Issuer, c.Invite, c.Scope, c.Issued, c.Endorsements)
	signers = append([][]byte{c.Issuer}, keys...)
	return signers, max(0, r.genesis.Quorum()-len(signers))
}

// needsCosign is the error for a credential short of stewards, in words the agency can act on.
func needsCosign(short int) error {
	return fmt.Errorf("%w: needs %d more steward cosignatures: another steward cosigns the code "+
		"(Neighborhood page, or `porchlight hood cosign`)", ErrNotCosigned, short)
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
	keys, valid := h.r.endorsers(inv.Issuer, inv.ID, inv.Scope, n.now().UnixMilli(), raw)
	if short := h.r.genesis.Quorum() - 1 - len(keys); short > 0 {
		return nil, needsCosign(short)
	}
	return valid, nil
}
