package notify

import (
	"fmt"
	"time"
)

// QuietHours is a daily span of local time, written HH:MM-HH:MM (22:00-07:00 spans midnight), during which
// a channel holds back motion, camera and disk notifications. Requests, neighbor alerts and members are
// never held back. The zero value is no quiet hours.
type QuietHours struct {
	From, To int // minutes after midnight; From == To means none
}

// ParseQuietHours reads HH:MM-HH:MM; "" is no quiet hours.
func ParseQuietHours(s string) (QuietHours, error) {
	if s == "" {
		return QuietHours{}, nil
	}
	if len(s) != len("00:00-00:00") || s[5] != '-' {
		return QuietHours{}, fmt.Errorf("%w, not %q", ErrBadQuietHours, s)
	}
	from, ok1 := hhmm(s[:5])
	to, ok2 := hhmm(s[6:])
	if !ok1 || !ok2 {
		return QuietHours{}, fmt.Errorf("%w, not %q", ErrBadQuietHours, s)
	}
	return QuietHours{From: from, To: to}, nil
}

// hhmm reads exactly HH:MM of a 24-hour clock as minutes after midnight.
func hhmm(s string) (int, bool) {
	d := func(c byte) bool { return c >= '0' && c <= '9' }
	if len(s) != 5 || s[2] != ':' || !d(s[0]) || !d(s[1]) || !d(s[3]) || !d(s[4]) {
		return 0, false
	}
	h, m := int(s[0]-'0')*10+int(s[1]-'0'), int(s[3]-'0')*10+int(s[4]-'0')
	return h*60 + m, h < 24 && m < 60
}

// UnmarshalText is ParseQuietHours.
func (q *QuietHours) UnmarshalText(b []byte) error {
	v, err := ParseQuietHours(string(b))
	if err != nil {
		return err
	}
	*q = v
	return nil
}

// MarshalText writes HH:MM-HH:MM, or "" for none.
func (q QuietHours) MarshalText() ([]byte, error) {
	if q.From == q.To {
		return []byte{}, nil
	}
	return fmt.Appendf(nil, "%02d:%02d-%02d:%02d", q.From/60, q.From%60, q.To/60, q.To%60), nil
}

// Contains reports whether t, in its own location, falls in the quiet hours.
func (q QuietHours) Contains(t time.Time) bool {
	if q.From == q.To {
		return false
	}
	m := t.Hour()*60 + t.Minute()
	if q.From < q.To {
		return m >= q.From && m < q.To
	}
	return m >= q.From || m < q.To
}
