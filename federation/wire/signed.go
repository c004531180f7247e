package wire

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/fxamacker/cbor/v2"
)

// Version is the record format this build writes and reads.
const Version = 1

// MaxRecord is the largest encoded record accepted from a peer (64 KiB).
const MaxRecord = 64 << 10

// Kind says what a Signed body holds; it is part of the signed domain.
type Kind uint8

// Record kinds. Values are on the wire: never renumber.
const (
	KindGenesis     Kind = 1
	KindCert        Kind = 2
	KindRevocation  Kind = 3
	KindInvite      Kind = 4
	KindClaim       Kind = 5
	KindAlert       Kind = 6
	KindRequest     Kind = 7
	KindNotice      Kind = 8
	KindApproval    Kind = 9
	KindReceipt     Kind = 10
	KindEndorsement Kind = 11
)

func (k Kind) String() string {
	switch k {
	case KindGenesis:
		return "genesis"
	case KindCert:
		return "cert"
	case KindRevocation:
		return "revocation"
	case KindInvite:
		return "invite"
	case KindClaim:
		return "claim"
	case KindAlert:
		return "alert"
	case KindRequest:
		return "request"
	case KindNotice:
		return "notice"
	case KindApproval:
		return "approval"
	case KindReceipt:
		return "receipt"
	case KindEndorsement:
		return "endorsement"
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// Errors decoding and verification wrap; callers count rejections by them.
var (
	ErrOversize     = errors.New("record too large")
	ErrVersion      = errors.New("unknown record version")
	ErrMalformed    = errors.New("malformed record")
	ErrBadSignature = errors.New("bad signature")
	ErrWrongKind    = errors.New("wrong record kind")
)

// Signed is a record as it travels: the body is kept as the exact bytes that were signed.
type Signed struct {
	V    uint   `cbor:"1,keyasint"`
	Kind Kind   `cbor:"2,keyasint"`
	Body []byte `cbor:"3,keyasint"`
	Sig  []byte `cbor:"4,keyasint"`
}

func domain(k Kind, body []byte) []byte {
	d := make([]byte, 0, 20+len(body))
	d = append(d, "porchlight/v1/"...)
	d = append(d, k.String()...)
	d = append(d, 0)
	return append(d, body...)
}

// Sign encodes body and signs it as a record of kind k.
func Sign(k Kind, body any, key ed25519.PrivateKey) (Signed, error) {
	b, err := encMode.Marshal(body)
	if err != nil {
		return Signed{}, fmt.Errorf("encode %s: %w", k, err)
	}
	return Signed{V: Version, Kind: k, Body: b, Sig: ed25519.Sign(key, domain(k, b))}, nil
}

// Verify checks the signature against pub.
func (s Signed) Verify(pub []byte) error {
	if len(pub) != ed25519.PublicKeySize || len(s.Sig) != ed25519.SignatureSize {
		return ErrBadSignature
	}
	if !ed25519.Verify(pub, domain(s.Kind, s.Body), s.Sig) {
		return ErrBadSignature
	}
	return nil
}

// ID is the record's identity: hex of the first 16 bytes of SHA-256 over kind and body.
func (s Signed) ID() string {
	h := sha256.Sum256(append([]byte{byte(s.Kind)}, s.Body...))
	return hex.EncodeToString(h[:16])
}

// Marshal encodes the record.
func (s Signed) Marshal() []byte {
	b, err := encMode.Marshal(s)
	if err != nil {
		panic(err) // a struct of ints and byte strings always encodes
	}
	return b
}

// Decode parses an encoded record: size, version and shape are checked, the signature is not.
func Decode(b []byte) (Signed, error) {
	var s Signed
	if len(b) > MaxRecord {
		return s, fmt.Errorf("%w: %d bytes", ErrOversize, len(b))
	}
	if err := decMode.Unmarshal(b, &s); err != nil {
		return s, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	if s.V != Version {
		return s, fmt.Errorf("%w: %d", ErrVersion, s.V)
	}
	if s.Kind < KindGenesis || s.Kind > KindEndorsement || len(s.Body) == 0 {
		return s, fmt.Errorf("%w: kind %d", ErrMalformed, s.Kind)
	}
	return s, nil
}

// Open decodes the body of a record of kind k into v (a pointer to the matching body type).
func (s Signed) Open(k Kind, v interface{ check() error }) error {
	if s.Kind != k {
		return fmt.Errorf("%w: got %s, want %s", ErrWrongKind, s.Kind, k)
	}
	if err := decMode.Unmarshal(s.Body, v); err != nil {
		return fmt.Errorf("%w: %s: %w", ErrMalformed, k, err)
	}
	if err := v.check(); err != nil {
		return fmt.Errorf("%w: %s: %w", ErrMalformed, k, err)
	}
	return nil
}

var (
	encMode cbor.EncMode
	decMode cbor.DecMode
)

func init() {
	var err error
	if encMode, err = cbor.CoreDetEncOptions().EncMode(); err != nil {
		panic(err)
	}
	decMode, err = cbor.DecOptions{
		DupMapKey:         cbor.DupMapKeyEnforcedAPF,
		MaxNestedLevels:   8,
		MaxArrayElements:  4096,
		MaxMapPairs:       64,
		IndefLength:       cbor.IndefLengthForbidden,
		ExtraReturnErrors: cbor.ExtraDecErrorUnknownField,
	}.DecMode()
	if err != nil {
		panic(err)
	}
}

// Marshal encodes any wire value with the deterministic encoding (for frames that are not records).
func Marshal(v any) ([]byte, error) { return encMode.Marshal(v) }

// Unmarshal decodes a wire value strictly.
func Unmarshal(b []byte, v any) error {
	if err := decMode.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	return nil
}
