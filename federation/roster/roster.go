package roster

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"iter"
	"sort"

	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/porchlight/porchlight/federation/wire"
)

// Member is a certified member of a hood.
type Member struct {
	ID   peer.ID
	Cert wire.Cert
	Rec  wire.Signed // the signed certificate
}

// Roster is a hood's membership as one node knows it: the genesis, the certificates and the revocations
// it has applied. It has no lock: its owner guards it (package federation, under the node's mutex).
type Roster struct {
	id         string
	genesis    wire.Genesis
	genesisRec wire.Signed
	members    map[peer.ID]*Member
	byInvite   map[string]peer.ID
	revMembers map[peer.ID]wire.Signed
	revInvites map[string]wire.Signed
	known      map[string]bool // IDs of the records applied, so repeats cost no signature check
}

// New starts the roster of the hood a signed genesis founds, after checking the first steward's
// signature. The hood's ID is the genesis record's ID.
func New(genesis wire.Signed) (*Roster, error) {
	var g wire.Genesis
	if err := genesis.Open(wire.KindGenesis, &g); err != nil {
		return nil, err
	}
	if err := genesis.Verify(g.Stewards[0]); err != nil {
		return nil, fmt.Errorf("genesis: %w", err)
	}
	return &Roster{id: genesis.ID(), genesis: g, genesisRec: genesis, members: map[peer.ID]*Member{},
		byInvite: map[string]peer.ID{}, revMembers: map[peer.ID]wire.Signed{}, revInvites: map[string]wire.Signed{},
		known: map[string]bool{}}, nil
}

// PeerOf is the peer ID of a member key.
func PeerOf(key []byte) (peer.ID, error) {
	pk, err := crypto.UnmarshalEd25519PublicKey(key)
	if err != nil {
		return "", err
	}
	return peer.IDFromPublicKey(pk)
}

// KeyOf is the member key a peer ID carries.
func KeyOf(p peer.ID) ([]byte, error) {
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

// ID is the hood's ID.
func (r *Roster) ID() string { return r.id }

// Genesis is the hood's genesis.
func (r *Roster) Genesis() wire.Genesis { return r.genesis }

// Quorum is how many stewards must sign an agency's credential.
func (r *Roster) Quorum() int { return r.genesis.Quorum() }

// GenesisRecord is the signed genesis, to hand to a joiner.
func (r *Roster) GenesisRecord() wire.Signed { return r.genesisRec }

// IsSteward reports whether a member key is one of the stewards the genesis names.
func (r *Roster) IsSteward(key []byte) bool {
	for _, s := range r.genesis.Stewards {
		if bytes.Equal(s, key) {
			return true
		}
	}
	return false
}

// Active reports whether p is a member that was not revoked.
func (r *Roster) Active(p peer.ID) bool {
	_, ok := r.members[p]
	_, rev := r.revMembers[p]
	return ok && !rev
}

// Member returns p's membership, revoked or not.
func (r *Roster) Member(p peer.ID) (Member, bool) {
	m, ok := r.members[p]
	if !ok {
		return Member{}, false
	}
	return *m, true
}

// Members yields every certified member, revoked ones included, in no order.
func (r *Roster) Members() iter.Seq2[peer.ID, Member] {
	return func(yield func(peer.ID, Member) bool) {
		for id, m := range r.members {
			if !yield(id, *m) {
				return
			}
		}
	}
}

// Revoked reports whether p was revoked.
func (r *Roster) Revoked(p peer.ID) bool {
	_, ok := r.revMembers[p]
	return ok
}

// InviteRevoked reports whether a steward cancelled the invite.
func (r *Roster) InviteRevoked(id []byte) bool {
	_, ok := r.revInvites[hex.EncodeToString(id)]
	return ok
}

// Known reports whether the record with that ID was applied.
func (r *Roster) Known(recordID string) bool { return r.known[recordID] }

// Apply adds a certificate or a revocation after checking it; it reports whether the roster changed. A
// record applied before costs nothing.
func (r *Roster) Apply(rec wire.Signed) (changed bool, err error) {
	id := rec.ID()
	if r.known[id] {
		return false, nil
	}
	switch rec.Kind {
	case wire.KindCert:
		changed, err = r.addCert(rec)
	case wire.KindRevocation:
		changed, err = r.addRevocation(rec)
	default:
		return false, fmt.Errorf("%w: %s is not a roster record", ErrInvalid, rec.Kind)
	}
	if err == nil {
		r.known[id] = true
	}
	return changed, err
}

// CheckCert verifies a signed certificate for this hood: issued and signed by a steward, and, for an
// agency's credential, cosigned by the agency's claim.
func (r *Roster) CheckCert(rec wire.Signed) (wire.Cert, peer.ID, error) {
	var c wire.Cert
	if err := rec.Open(wire.KindCert, &c); err != nil {
		return c, "", err
	}
	if c.Hood != r.id {
		return c, "", fmt.Errorf("%w: cert for hood %s", ErrInvalid, c.Hood)
	}
	if !r.IsSteward(c.Issuer) {
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
	id, err := PeerOf(c.Member)
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
func (r *Roster) addCert(rec wire.Signed) (bool, error) {
	c, id, err := r.CheckCert(rec)
	if err != nil {
		return false, err
	}
	if old, ok := r.members[id]; ok && old.Rec.ID() == rec.ID() {
		return false, nil
	}
	if len(c.Invite) > 0 {
		inv := hex.EncodeToString(c.Invite)
		if other, ok := r.byInvite[inv]; ok && other != id {
			o := r.members[other].Cert
			if o.Issued < c.Issued || (o.Issued == c.Issued && bytes.Compare(o.Member, c.Member) < 0) {
				return false, fmt.Errorf("%w: invite %s admitted %s first", ErrInviteUsed, inv, other)
			}
			delete(r.members, other)
		}
		r.byInvite[inv] = id
	}
	r.members[id] = &Member{ID: id, Cert: c, Rec: rec}
	return true, nil
}

// addRevocation adds a verified revocation; it reports whether the roster changed.
func (r *Roster) addRevocation(rec wire.Signed) (bool, error) {
	var v wire.Revocation
	if err := rec.Open(wire.KindRevocation, &v); err != nil {
		return false, err
	}
	if v.Hood != r.id {
		return false, fmt.Errorf("%w: revocation for hood %s", ErrInvalid, v.Hood)
	}
	if !r.IsSteward(v.Issuer) {
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
	id, err := PeerOf(v.Member)
	if err != nil {
		return false, err
	}
	if r.IsSteward(v.Member) { // or one steward could undo the others' quorum
		return false, fmt.Errorf("%w: %s is a steward named in the hood's genesis and cannot be revoked", ErrInvalid, id)
	}
	if _, ok := r.revMembers[id]; ok {
		return false, nil
	}
	r.revMembers[id] = rec
	return true, nil
}

// Records returns the roster's certificates and revocations, to hand to another member.
func (r *Roster) Records() []wire.Signed {
	var out []wire.Signed
	for _, m := range r.members {
		out = append(out, m.Rec)
	}
	for _, v := range r.revMembers {
		out = append(out, v)
	}
	for _, v := range r.revInvites {
		out = append(out, v)
	}
	return out
}

// Digest identifies the roster's content: SHA-256 over the sorted IDs of its records.
func (r *Roster) Digest() []byte {
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
