package federation

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"

	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/porchlight/porchlight/federation/wire"
)

// Sentinel errors callers branch on.
var (
	ErrNotMember     = errors.New("not a member")
	ErrNotSteward    = errors.New("only a steward can do this")
	ErrUnknownHood   = errors.New("unknown hood")
	ErrNoHood        = errors.New("this node is in no hood")
	ErrSeveralHoods  = errors.New("this node is in several hoods: name one")
	ErrInviteUsed    = errors.New("invite already used")
	ErrInviteExpired = errors.New("invite expired")
	ErrInviteRevoked = errors.New("invite revoked")
	ErrRevoked       = errors.New("member revoked")
	ErrUnreachable   = errors.New("peer unreachable")
	ErrRateLimited   = errors.New("too many posts: try again later")
	ErrNotFound      = errors.New("not found")
	ErrInvalid       = errors.New("invalid")
	ErrNoCredential  = errors.New("no agency credential")
)

// member is a certified member of a hood.
type member struct {
	id   peer.ID
	cert wire.Cert
	rec  wire.Signed
}

// roster is a hood's membership as this node knows it. It is guarded by the Node's mutex.
type roster struct {
	id         string
	genesis    wire.Genesis
	genesisRec wire.Signed
	members    map[peer.ID]*member
	byInvite   map[string]peer.ID
	revMembers map[peer.ID]wire.Signed
	revInvites map[string]wire.Signed
	known      map[string]bool // IDs of the records applied, so repeats cost no signature check
}

func newRoster(rec wire.Signed) (*roster, error) {
	var g wire.Genesis
	if err := rec.Open(wire.KindGenesis, &g); err != nil {
		return nil, err
	}
	if err := rec.Verify(g.Stewards[0]); err != nil {
		return nil, fmt.Errorf("genesis: %w", err)
	}
	return &roster{id: rec.ID(), genesis: g, genesisRec: rec, members: map[peer.ID]*member{},
		byInvite: map[string]peer.ID{}, revMembers: map[peer.ID]wire.Signed{}, revInvites: map[string]wire.Signed{}, known: map[string]bool{}}, nil
}

func peerOf(key []byte) (peer.ID, error) {
	pk, err := crypto.UnmarshalEd25519PublicKey(key)
	if err != nil {
		return "", err
	}
	return peer.IDFromPublicKey(pk)
}

func keyOf(p peer.ID) ([]byte, error) {
	pk, err := p.ExtractPublicKey()
	if err != nil {
		return nil, fmt.Errorf("%w: member ID %s carries no Ed25519 key", ErrInvalid, p)
	}
	raw, err := pk.Raw()
	if err != nil || len(raw) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("%w: member ID %s carries no Ed25519 key", ErrInvalid, p)
	}
	return raw, nil
}

func (r *roster) isSteward(key []byte) bool {
	for _, s := range r.genesis.Stewards {
		if bytes.Equal(s, key) {
			return true
		}
	}
	return false
}

// active reports whether p is a member that was not revoked.
func (r *roster) active(p peer.ID) bool {
	_, ok := r.members[p]
	_, rev := r.revMembers[p]
	return ok && !rev
}

// checkCert verifies a signed certificate for this hood.
func (r *roster) checkCert(rec wire.Signed) (wire.Cert, peer.ID, error) {
	var c wire.Cert
	if err := rec.Open(wire.KindCert, &c); err != nil {
		return c, "", err
	}
	if c.Hood != r.id {
		return c, "", fmt.Errorf("%w: cert for hood %s", ErrInvalid, c.Hood)
	}
	if !r.isSteward(c.Issuer) {
		return c, "", fmt.Errorf("%w: cert issuer is not a steward", ErrNotSteward)
	}
	if err := rec.Verify(c.Issuer); err != nil {
		return c, "", err
	}
	if c.Scope != nil {
		if err := checkCosigned(c); err != nil {
			return c, "", err
		}
	}
	id, err := peerOf(c.Member)
	return c, id, err
}

// checkCosigned verifies an agency credential's second signature: the agency's claim of the same invite,
// naming the encryption key the scope carries.
func checkCosigned(c wire.Cert) error {
	rec, err := wire.Decode(c.Claim)
	var cl wire.Claim
	if err == nil {
		err = rec.Open(wire.KindClaim, &cl)
	}
	if err == nil {
		err = rec.Verify(c.Member)
	}
	if err == nil && (cl.Hood != c.Hood || !bytes.Equal(cl.Invite, c.Invite) || !bytes.Equal(cl.Member, c.Member) ||
		cl.Recipient != c.Scope.Recipient) {
		err = errors.New("the claim is for another invite, member or key")
	}
	if err != nil {
		return fmt.Errorf("%w: agency credential not cosigned by the agency: %w", ErrInvalid, err)
	}
	return nil
}

// addCert adds a verified certificate; it reports whether the roster changed. Each invite admits one
// member: of two certificates for one invite the earlier (then the lower key) wins on every node.
func (r *roster) addCert(rec wire.Signed) (bool, error) {
	c, id, err := r.checkCert(rec)
	if err != nil {
		return false, err
	}
	if old, ok := r.members[id]; ok && old.rec.ID() == rec.ID() {
		return false, nil
	}
	if len(c.Invite) > 0 {
		inv := hex.EncodeToString(c.Invite)
		if other, ok := r.byInvite[inv]; ok && other != id {
			o := r.members[other].cert
			if o.Issued < c.Issued || (o.Issued == c.Issued && bytes.Compare(o.Member, c.Member) < 0) {
				return false, fmt.Errorf("%w: invite %s admitted %s first", ErrInviteUsed, inv, other)
			}
			delete(r.members, other)
		}
		r.byInvite[inv] = id
	}
	r.members[id] = &member{id: id, cert: c, rec: rec}
	return true, nil
}

// addRevocation adds a verified revocation; it reports whether the roster changed.
func (r *roster) addRevocation(rec wire.Signed) (bool, error) {
	var v wire.Revocation
	if err := rec.Open(wire.KindRevocation, &v); err != nil {
		return false, err
	}
	if v.Hood != r.id {
		return false, fmt.Errorf("%w: revocation for hood %s", ErrInvalid, v.Hood)
	}
	if !r.isSteward(v.Issuer) {
		return false, fmt.Errorf("%w: revocation issuer is not a steward", ErrNotSteward)
	}
	if err := rec.Verify(v.Issuer); err != nil {
		return false, err
	}
	if v.Invite != nil {
		k := hex.EncodeToString(v.Invite)
		if _, ok := r.revInvites[k]; ok {
			return false, nil
		}
		r.revInvites[k] = rec
		return true, nil
	}
	id, err := peerOf(v.Member)
	if err != nil {
		return false, err
	}
	if r.isSteward(v.Member) { // or one steward could undo the others' quorum
		return false, fmt.Errorf("%w: %s is a steward named in the hood's genesis and cannot be revoked", ErrInvalid, id)
	}
	if _, ok := r.revMembers[id]; ok {
		return false, nil
	}
	r.revMembers[id] = rec
	return true, nil
}

// records returns the roster's certificates and revocations, to hand to another member.
func (r *roster) records() []wire.Signed {
	var out []wire.Signed
	for _, m := range r.members {
		out = append(out, m.rec)
	}
	for _, v := range r.revMembers {
		out = append(out, v)
	}
	for _, v := range r.revInvites {
		out = append(out, v)
	}
	return out
}

// digest identifies the roster's content: SHA-256 over the sorted IDs of its records.
func (r *roster) digest() []byte {
	ids := make([]string, 0, len(r.known))
	for id := range r.known {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	h := sha256.New()
	for _, id := range ids {
		h.Write([]byte(id))
	}
	return h.Sum(nil)
}
