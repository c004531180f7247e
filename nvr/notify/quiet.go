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
	var fh, fm, th, tm int
	var rest string
	n, _ := fmt.Sscanf(s, "%2d:%2d-%2d:%2d%s", &fh, &fm, &th, &tm, &rest)
	if n != 4 || len(s) != len("00:00-00:00") || !clock(fh, fm) || !clock(th, tm) {
		return QuietHours{}, fmt.Errorf("%w, not %q", ErrBadQuietHours, s)
	}
	return QuietHours{From: fh*60 + fm, To: th*60 + tm}, nil
}

func clock(h, m int) bool { return h >= 0 && h < 24 && m >= 0 && m < 60 }

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
