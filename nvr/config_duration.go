package nvr

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Duration is a non-negative time.Duration read from the config. It accepts Go duration syntax ("90s",
// "720h", "1h30m", "0") and whole or fractional days with a "d" suffix ("30d", "1.5d"). It marshals as
// whole hours, else whole seconds, else the largest smaller unit that is exact ("720h", "90s", "100ms"),
// which reads back to the same value.
type Duration time.Duration

// Std returns d as a time.Duration.
func (d Duration) Std() time.Duration { return time.Duration(d) }

// String returns d in the form MarshalText writes.
func (d Duration) String() string {
	if d == 0 {
		return "0s"
	}
	units := []struct {
		suffix string
		size   time.Duration
	}{{"h", time.Hour}, {"s", time.Second}, {"ms", time.Millisecond}, {"us", time.Microsecond}}
	for _, u := range units {
		if time.Duration(d)%u.size == 0 {
			return strconv.FormatInt(int64(time.Duration(d)/u.size), 10) + u.suffix
		}
	}
	return strconv.FormatInt(int64(d), 10) + "ns"
}

// MarshalText implements encoding.TextMarshaler.
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := ParseDuration(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// ParseDuration parses s as a config Duration; see Duration for the syntax.
func ParseDuration(s string) (Duration, error) {
	invalid := fmt.Errorf("invalid duration %q", s)
	t := strings.TrimSpace(s)
	if t == "" {
		return 0, invalid
	}
	if strings.HasPrefix(t, "-") {
		return 0, fmt.Errorf("invalid duration %q (must not be negative)", s)
	}
	if days, ok := strings.CutSuffix(t, "d"); ok {
		if !isDecimal(days) {
			return 0, invalid
		}
		n, err := strconv.ParseFloat(days, 64)
		if err != nil || n*float64(24*time.Hour) >= float64(1<<63-1) {
			return 0, invalid
		}
		return Duration(n * float64(24*time.Hour)), nil
	}
	v, err := time.ParseDuration(t)
	if err != nil {
		return 0, invalid
	}
	return Duration(v), nil
}

// isDecimal reports whether s is digits with at most one decimal point and at least one digit.
func isDecimal(s string) bool {
	digits, dots := 0, 0
	for _, c := range s {
		switch {
		case c >= '0' && c <= '9':
			digits++
		case c == '.':
			dots++
		default:
			return false
		}
	}
	return digits > 0 && dots <= 1
}
