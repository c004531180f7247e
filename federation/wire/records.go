package wire

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Roles a member holds in a hood. Values are on the wire.
const (
	RoleHousehold = "household"
	RoleAgency    = "agency"
)

// Limits on record fields.
const (
	MaxName     = 64   // display and hood names, bytes
	MaxText     = 2000 // alert text, bytes
	MaxCategory = 32
	MaxAddrs    = 16 // bootstrap addresses in an invite
	MaxAddr     = 256
)

// Genesis founds a hood: its ID is the ID of the signed genesis record. Signed by the first steward.
type Genesis struct {
	Name     string   `cbor:"1,keyasint"`
	Stewards [][]byte `cbor:"2,keyasint"` // Ed25519 public keys that may admit and revoke members
	Created  int64    `cbor:"3,keyasint"` // unix ms
	Nonce    []byte   `cbor:"4,keyasint"`
	// AgencyQuorum is how many distinct stewards must sign an agency's credential: the issuer and the
	// stewards whose endorsements it carries. 0 (hoods founded before it existed) means 1.
	AgencyQuorum uint8 `cbor:"5,keyasint,omitempty"`
}

// Quorum is the number of distinct stewards an agency's credential needs (AgencyQuorum, at least 1).
func (g *Genesis) Quorum() int { return max(1, int(g.AgencyQuorum)) }

// Cert admits a member to a hood. Signed by a steward (Issuer).
type Cert struct {
	Hood   string `cbor:"1,keyasint"`
	Member []byte `cbor:"2,keyasint"` // the member's Ed25519 public key (its libp2p identity)
	Role   string `cbor:"3,keyasint"`
	Name   string `cbor:"4,keyasint"` // display name
	Issued int64  `cbor:"5,keyasint"` // unix ms
	Invite []byte `cbor:"6,keyasint"` // the invite it was claimed with; each invite admits one member
	Issuer []byte `cbor:"7,keyasint"`
	Scope  *Scope `cbor:"8,keyasint,omitempty"` // an agency's credential; nil: it may not post requests
	// Claim is, with a Scope, the agency's own signed claim of the invite that carried the scope: the
	// credential is signed by the steward and, through its claim, by the agency that accepted it.
	Claim []byte `cbor:"9,keyasint,omitempty"`
	// Endorsements are, with a Scope, the signed endorsements of the invite by other stewards (encoded
	// KindEndorsement records) that made the credential reach the hood's agency quorum.
	Endorsements [][]byte `cbor:"10,keyasint,omitempty"`
}

// Revocation removes a member (or cancels an unused invite, when Invite is set) from a hood. Signed by a
// steward.
type Revocation struct {
	Hood   string `cbor:"1,keyasint"`
	Member []byte `cbor:"2,keyasint,omitempty"`
	Invite []byte `cbor:"3,keyasint,omitempty"`
	Time   int64  `cbor:"4,keyasint"`
	Issuer []byte `cbor:"5,keyasint"`
}

// Invite lets one node join a hood. Signed by the steward that will admit the claimant.
type Invite struct {
	Hood     string   `cbor:"1,keyasint"`
	HoodName string   `cbor:"2,keyasint"`
	ID       []byte   `cbor:"3,keyasint"` // 16 random bytes
	Role     string   `cbor:"4,keyasint"`
	Expires  int64    `cbor:"5,keyasint"` // unix ms
	Issuer   []byte   `cbor:"6,keyasint"`
	Addrs    []string `cbor:"7,keyasint"`           // multiaddrs with /p2p/ where the issuer (or a relay to it) is found
	Scope    *Scope   `cbor:"8,keyasint,omitempty"` // for an agency: what its credential will allow
}

// Claim is the joiner's proof of possession: it signs the invite ID and its name with its own key.
type Claim struct {
	Hood   string `cbor:"1,keyasint"`
	Invite []byte `cbor:"2,keyasint"`
	Member []byte `cbor:"3,keyasint"`
	Name   string `cbor:"4,keyasint"`
	Time   int64  `cbor:"5,keyasint"`
	// Recipient is an agency's age X25519 recipient, for the scope of its certificate.
	Recipient string `cbor:"6,keyasint,omitempty"`
}

// Alert is a neighbor's post. Signed by its author, a member.
type Alert struct {
	Hood     string   `cbor:"1,keyasint"`
	Author   []byte   `cbor:"2,keyasint"`
	Time     int64    `cbor:"3,keyasint"` // unix ms
	Category string   `cbor:"4,keyasint"`
	Text     string   `cbor:"5,keyasint"`
	Place    *Place   `cbor:"6,keyasint,omitempty"`
	Clip     *ClipRef `cbor:"7,keyasint,omitempty"`
	Nonce    []byte   `cbor:"8,keyasint"`
}

// Place is a coarse position in microdegrees (see Coarsen).
type Place struct {
	Lat int32 `cbor:"1,keyasint"`
	Lon int32 `cbor:"2,keyasint"`
}

// ClipRef is a clip the author chose to share: neighbors fetch it from the author by the alert's ID.
type ClipRef struct {
	Camera string `cbor:"1,keyasint"`
	Start  int64  `cbor:"2,keyasint"` // unix ms
	End    int64  `cbor:"3,keyasint"`
	Size   int64  `cbor:"4,keyasint"`
	SHA256 []byte `cbor:"5,keyasint"`
}

var errField = errors.New("bad field")

func checkKey(name string, k []byte) error {
	if len(k) != ed25519.PublicKeySize {
		return fmt.Errorf("%w: %s is %d bytes, want %d", errField, name, len(k), ed25519.PublicKeySize)
	}
	return nil
}

func checkText(name, s string, max int) error {
	if len(s) > max || !utf8.ValidString(s) {
		return fmt.Errorf("%w: %s longer than %d bytes or not UTF-8", errField, name, max)
	}
	return nil
}

func checkRole(r string) error {
	if r != RoleHousehold && r != RoleAgency {
		return fmt.Errorf("%w: role %q", errField, r)
	}
	return nil
}

func checkHood(h string) error {
	if len(h) != 32 {
		return fmt.Errorf("%w: hood id %q", errField, h)
	}
	return nil
}

func (g *Genesis) check() error {
	if len(g.Stewards) == 0 || len(g.Stewards) > 16 {
		return fmt.Errorf("%w: %d stewards", errField, len(g.Stewards))
	}
	for i, k := range g.Stewards {
		if err := checkKey("steward", k); err != nil {
			return err
		}
		for _, o := range g.Stewards[:i] {
			if string(o) == string(k) {
				return fmt.Errorf("%w: steward listed twice", errField)
			}
		}
	}
	if int(g.AgencyQuorum) > len(g.Stewards) {
		return fmt.Errorf("%w: agency quorum %d of %d stewards", errField, g.AgencyQuorum, len(g.Stewards))
	}
	if g.Name == "" {
		return fmt.Errorf("%w: empty hood name", errField)
	}
	return checkText("name", g.Name, MaxName)
}

func (c *Cert) check() error {
	// Only a steward's own certificate (issuer = member) comes without an invite.
	if len(c.Invite) != 16 && !(c.Invite == nil && string(c.Issuer) == string(c.Member)) {
		return fmt.Errorf("%w: cert invite id", errField)
	}
	if c.Scope != nil && (c.Role != RoleAgency || c.Scope.Recipient == "" || len(c.Claim) == 0) {
		return fmt.Errorf("%w: a scope belongs to an agency's cert with a recipient and its claim", errField)
	}
	if len(c.Endorsements) > MaxEndorsements || (len(c.Endorsements) > 0 && c.Scope == nil) {
		return fmt.Errorf("%w: %d endorsements (at most %d, with a scope)", errField, len(c.Endorsements), MaxEndorsements)
	}
	return errors.Join(checkHood(c.Hood), checkKey("member", c.Member), checkKey("issuer", c.Issuer),
		checkRole(c.Role), checkText("name", c.Name, MaxName), checkScope(c.Scope))
}

func checkScope(s *Scope) error {
	if s == nil {
		return nil
	}
	return s.check()
}

func (r *Revocation) check() error {
	if (r.Member == nil) == (r.Invite == nil) {
		return fmt.Errorf("%w: a revocation names a member or an invite", errField)
	}
	if r.Member != nil {
		if err := checkKey("member", r.Member); err != nil {
			return err
		}
	}
	if r.Invite != nil && len(r.Invite) != 16 {
		return fmt.Errorf("%w: revoked invite id", errField)
	}
	return errors.Join(checkHood(r.Hood), checkKey("issuer", r.Issuer))
}

func (i *Invite) check() error {
	if len(i.ID) != 16 {
		return fmt.Errorf("%w: invite id", errField)
	}
	if len(i.Addrs) > MaxAddrs {
		return fmt.Errorf("%w: %d addresses", errField, len(i.Addrs))
	}
	for _, a := range i.Addrs {
		if err := checkText("addr", a, MaxAddr); err != nil {
			return err
		}
	}
	if i.Scope != nil && (i.Role != RoleAgency || i.Scope.Recipient != "") {
		return fmt.Errorf("%w: an invite's scope is for an agency, without recipient", errField)
	}
	return errors.Join(checkHood(i.Hood), checkKey("issuer", i.Issuer), checkRole(i.Role),
		checkText("hood name", i.HoodName, MaxName), checkScope(i.Scope))
}

func (c *Claim) check() error {
	if len(c.Invite) != 16 {
		return fmt.Errorf("%w: invite id", errField)
	}
	if c.Recipient != "" && (len(c.Recipient) > MaxRecipient || !strings.HasPrefix(c.Recipient, "age1")) {
		return fmt.Errorf("%w: recipient", errField)
	}
	return errors.Join(checkHood(c.Hood), checkKey("member", c.Member), checkText("name", c.Name, MaxName))
}

func (a *Alert) check() error {
	if len(a.Nonce) < 8 || len(a.Nonce) > 32 {
		return fmt.Errorf("%w: nonce", errField)
	}
	if a.Text == "" {
		return fmt.Errorf("%w: empty text", errField)
	}
	if a.Place != nil && (a.Place.Lat < -90e6 || a.Place.Lat > 90e6 || a.Place.Lon < -180e6 || a.Place.Lon > 180e6) {
		return fmt.Errorf("%w: place out of range", errField)
	}
	if c := a.Clip; c != nil {
		if c.End <= c.Start || c.Size <= 0 || len(c.SHA256) != 32 {
			return fmt.Errorf("%w: clip", errField)
		}
		if err := checkText("camera", c.Camera, MaxName); err != nil {
			return err
		}
	}
	return errors.Join(checkHood(a.Hood), checkKey("author", a.Author), checkText("text", a.Text, MaxText),
		checkText("category", a.Category, MaxCategory))
}
