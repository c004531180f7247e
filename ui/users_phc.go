package ui

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
)

// ErrBadHash is wrapped by errors for stored password hashes that are not argon2id PHC strings with sane
// parameters.
var ErrBadHash = errors.New("malformed password hash")

// argon2Params are the cost parameters of a hash. New hashes use defaultParams (RFC 9106's second
// recommended option); stored hashes keep theirs, so the cost can be raised without invalidating them.
type argon2Params struct {
	memory  uint32 // KiB
	time    uint32
	threads uint8
}

var defaultParams = argon2Params{memory: 64 * 1024, time: 3, threads: 4}

// Bounds on parameters read from disk, so a tampered file cannot make Verify allocate gigabytes.
const (
	maxMemoryKiB = 1 << 20
	maxTime      = 16
	saltLen      = 16
	keyLen       = 32
)

var b64 = base64.RawStdEncoding

// dummyHash is verified against for unknown users.
var dummyHash = encodePHC(defaultParams, make([]byte, saltLen), make([]byte, keyLen))

// hashPassword returns the argon2id PHC string of password with a fresh random salt:
// $argon2id$v=19$m=65536,t=3,p=4$<salt>$<hash> (unpadded standard base64).
func hashPassword(password string) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	p := defaultParams
	key := argon2.IDKey([]byte(password), salt, p.time, p.memory, p.threads, keyLen)
	return encodePHC(p, salt, key), nil
}

// checkPassword reports whether password matches the PHC string phc, comparing in constant time.
func checkPassword(phc, password string) (bool, error) {
	p, salt, key, err := parsePHC(phc)
	if err != nil {
		return false, err
	}
	got := argon2.IDKey([]byte(password), salt, p.time, p.memory, p.threads, uint32(len(key)))
	return subtle.ConstantTimeCompare(got, key) == 1, nil
}

func encodePHC(p argon2Params, salt, key []byte) string {
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.memory, p.time, p.threads, b64.EncodeToString(salt), b64.EncodeToString(key))
}

// parsePHC decodes an argon2id PHC string and checks its parameters against the bounds above.
func parsePHC(s string) (argon2Params, []byte, []byte, error) {
	var p argon2Params
	bad := func(why string) (argon2Params, []byte, []byte, error) {
		return argon2Params{}, nil, nil, fmt.Errorf("%w: %s", ErrBadHash, why)
	}
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return bad("not an argon2id PHC string")
	}
	if parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return bad("unsupported version " + strconv.Quote(parts[2]))
	}
	for _, kv := range strings.Split(parts[3], ",") {
		k, v, _ := strings.Cut(kv, "=")
		n, err := strconv.ParseUint(v, 10, 32)
		if err != nil {
			return bad("parameter " + strconv.Quote(kv))
		}
		switch k {
		case "m":
			p.memory = uint32(n)
		case "t":
			p.time = uint32(n)
		case "p":
			if n > 255 {
				return bad("parameter " + strconv.Quote(kv))
			}
			p.threads = uint8(n)
		default:
			return bad("parameter " + strconv.Quote(kv))
		}
	}
	if p.time < 1 || p.time > maxTime || p.threads < 1 || p.memory < 8*uint32(p.threads) || p.memory > maxMemoryKiB {
		return bad(fmt.Sprintf("parameters m=%d,t=%d,p=%d out of range", p.memory, p.time, p.threads))
	}
	salt, err := b64.DecodeString(parts[4])
	if err != nil || len(salt) < 8 || len(salt) > 64 {
		return bad("salt")
	}
	key, err := b64.DecodeString(parts[5])
	if err != nil || len(key) < 16 || len(key) > 64 {
		return bad("hash")
	}
	return p, salt, key, nil
}
