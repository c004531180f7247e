package motiontest

import (
	"time"

	"github.com/porchlight/porchlight/recorder/motion"
)

// Detect feeds the access units to a new detector as a camera at fps would deliver them (decode order,
// one frame every 1/fps) and returns its events; an event still open at the end closes at the last
// frame with motion it reported.
func Detect(codec string, s motion.Settings, aus []AccessUnit, fps int) []Event {
	d := motion.New(codec, s)
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var events []Event
	var open *Event
	var at time.Duration
	for i, au := range aus {
		at = time.Duration(i) * time.Second / time.Duration(fps)
		c, ok := d.Observe(motion.Frame{Time: base.Add(at), Key: au.Key, Size: au.Size, NALUs: au.NALUs})
		if !ok {
			continue
		}
		switch c.Kind {
		case motion.Opened:
			events = append(events, Event{Start: c.Start.Sub(base), Opened: at})
			open = &events[len(events)-1]
		case motion.Closed:
			if open != nil {
				open.End = c.End.Sub(base)
				open = nil
			}
		}
	}
	if open != nil {
		open.End = d.LastMotion().Sub(base)
	}
	return events
}
