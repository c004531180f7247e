package roster

import (
	"bytes"
	"fmt"

	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/porchlight/porchlight/federation/wire"
)

// An agency's credential needs the signatures of a quorum of the hood's stewards (the genesis's
// AgencyQuorum): the steward that issues the certificate and the stewards that endorsed its invite. The
// endorsements travel in the invite code, then in the agency's join request, then in its certificate,
// where every home counts them again before it takes a request.

// Endorsers returns the distinct stewards of the hood, other than issuer, whose endorsements among raw
// count for an agency's credential: each signed by a steward of the genesis, of this hood, invite and
// scope, and claimed (at, unix ms) before it expired. valid are those endorsements, encoded.
func (r *Roster) Endorsers(issuer []byte, invite []byte, scope *wire.Scope, at int64, raw [][]byte) (keys, valid [][]byte) {
	for _, b := range raw[:min(len(raw), wire.MaxEndorsements)] {
		_, e, err := wire.OpenEndorsement(b)
		if err != nil || !r.IsSteward(e.Steward) || bytes.Equal(e.Steward, issuer) ||
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

// Cosigned counts the stewards that signed an agency's certificate (its issuer and its valid
// endorsements) against the hood's quorum; it returns the signers' keys and how many more are needed.
func (r *Roster) Cosigned(c wire.Cert) (signers [][]byte, short int) {
	keys, _ := r.Endorsers(c.Issuer, c.Invite, c.Scope, c.Issued, c.Endorsements)
	signers = append([][]byte{c.Issuer}, keys...)
	return signers, max(0, r.genesis.Quorum()-len(signers))
}

// NeedsCosign is the error for a credential short of stewards, in words the agency can act on.
func NeedsCosign(short int) error {
	return fmt.Errorf("%w: needs %d more steward cosignatures: another steward cosigns the code "+
		"(Neighborhood page, or `porchlight hood cosign`)", ErrNotCosigned, short)
}

// CheckEndorsed counts the endorsements an agency sent with its claim of an invite (at now, unix ms)
// against the hood's quorum, before the invite is used up; it returns the valid ones, for the certificate.
func (r *Roster) CheckEndorsed(inv wire.Invite, raw [][]byte, now int64) ([][]byte, error) {
	keys, valid := r.Endorsers(inv.Issuer, inv.ID, inv.Scope, now, raw)
	if short := r.genesis.Quorum() - 1 - len(keys); short > 0 {
		return nil, NeedsCosign(short)
	}
	return valid, nil
}

// SignerNames names the stewards that signed an agency's certificate: their display names, or peer IDs
// for stewards not in the roster yet.
func (r *Roster) SignerNames(c wire.Cert) []string {
	signers, _ := r.Cosigned(c)
	out := make([]string, 0, len(signers))
	for _, k := range signers {
		p, err := PeerOf(k)
		if err != nil {
			continue
		}
		if m, ok := r.members[p]; ok && m.Cert.Name != "" {
			out = append(out, m.Cert.Name)
		} else {
			out = append(out, p.String())
		}
	}
	return out
}

// Credential returns an active agency's certificate, whose scope its requests are held to, or the
// reason its requests are refused: not a member, revoked, not an agency, no scope, or short of the
// stewards' quorum. The issuer's signature was checked when the certificate joined the roster; the
// cosigners are counted here, so a credential short of them admits the agency as a member but no request
// of it.
func (r *Roster) Credential(agency peer.ID) (wire.Cert, error) {
	m, ok := r.members[agency]
	switch {
	case !ok:
		return wire.Cert{}, Refuse("not-member", "%s is not a member", agency)
	case !r.Active(agency):
		return wire.Cert{}, Refuse("revoked", "agency %s was removed from the hood", agency)
	case m.Cert.Role != wire.RoleAgency:
		return wire.Cert{}, Refuse("not-agency", "%s is a %s", agency, m.Cert.Role)
	case m.Cert.Scope == nil:
		return wire.Cert{}, Refuse("no-credential", "agency %s was admitted without a scope", agency)
	}
	if signers, short := r.Cosigned(m.Cert); short > 0 {
		return wire.Cert{}, Refuse("not-cosigned", "agency %s's credential is signed by %d steward(s), the hood needs %d",
			agency, len(signers), r.genesis.Quorum())
	}
	return m.Cert, nil
}
