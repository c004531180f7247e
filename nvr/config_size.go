package nvr

import (
	"fmt"
	"math/big"
	"strconv"
	"strings"
)

// ByteSize is a non-negative number of bytes read from the config: "0", a plain byte count ("1048576"),
// or a decimal number with an SI (kB, MB, GB, TB, PB: powers of 1000) or IEC (KiB, MiB, GiB, TiB, PiB:
// powers of 1024) unit, e.g. "500MB", "1.5GiB", "200GB". Units are case-insensitive and "B" alone means
// bytes. It marshals to the largest unit that represents it exactly.
type ByteSize int64

var sizeUnits = []struct {
	name string
	size int64
}{
	{"PiB", 1 << 50}, {"PB", 1e15}, {"TiB", 1 << 40}, {"TB", 1e12}, {"GiB", 1 << 30}, {"GB", 1e9},
	{"MiB", 1 << 20}, {"MB", 1e6}, {"KiB", 1 << 10}, {"kB", 1e3}, {"B", 1},
}

// String returns s in the form MarshalText writes.
func (s ByteSize) String() string {
	if s <= 0 {
		return strconv.FormatInt(int64(s), 10)
	}
	for _, u := range sizeUnits {
		if int64(s)%u.size == 0 {
			return strconv.FormatInt(int64(s)/u.size, 10) + u.name
		}
	}
	panic("unreachable: every size is a multiple of 1 B")
}

// MarshalText implements encoding.TextMarshaler.
func (s ByteSize) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (s *ByteSize) UnmarshalText(b []byte) error {
	v, err := ParseByteSize(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// ParseByteSize parses str as a config ByteSize; see ByteSize for the syntax.
func ParseByteSize(str string) (ByteSize, error) {
	invalid := fmt.Errorf("invalid size %q", str)
	t := strings.TrimSpace(str)
	end := strings.IndexFunc(t, func(r rune) bool { return (r < '0' || r > '9') && r != '.' })
	if end < 0 {
		end = len(t)
	}
	num, unit := t[:end], strings.TrimSpace(t[end:])
	if !isDecimal(num) {
		return 0, invalid
	}
	mult := int64(1)
	if unit != "" {
		found := false
		for _, u := range sizeUnits {
			if strings.EqualFold(unit, u.name) {
				mult, found = u.size, true
				break
			}
		}
		if !found {
			return 0, invalid
		}
	}
	r, ok := new(big.Rat).SetString(num)
	if !ok {
		return 0, invalid
	}
	r.Mul(r, new(big.Rat).SetInt64(mult))
	if !r.IsInt() {
		return 0, fmt.Errorf("invalid size %q (not a whole number of bytes)", str)
	}
	if !r.Num().IsInt64() {
		return 0, fmt.Errorf("invalid size %q (too large)", str)
	}
	return ByteSize(r.Num().Int64()), nil
}
