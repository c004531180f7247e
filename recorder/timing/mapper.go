package timing

import "time"

// Defaults for the zero values of Mapper's fields.
const (
	DefaultJumpThreshold = 3 * time.Second
	DefaultMaxSlew       = 500e-6
	DefaultWindow        = 10 * time.Second
)

const (
	// catchUpSlew bounds downward corrections (see the package documentation).
	catchUpSlew = 0.1
	// slewCap bounds any correction rate below 1 so that wall-clock time never decreases.
	slewCap = 0.5
	// reorderTolerance is how far a timestamp may step back and still count as a reordered frame.
	reorderTolerance = 250 * time.Millisecond
	// maxRun is the longest media time of a run; a longer one starts anew. It keeps nominal time and
	// its correction (at most slewCap times it) far inside int64 nanoseconds.
	maxRun = 100 * 365 * 24 * time.Hour
)

// Mapper maps the RTP timestamps of one track to media time and wall-clock time. Set ClockRate and
// optionally the tuning fields, then call Map for every frame in decode order (for streams with B-frames,
// pass decode timestamps). The zero value of each tuning field selects its default; fields are read when
// a run starts. A Mapper is not safe for concurrent use.
type Mapper struct {
	// ClockRate is the track's RTP clock rate in ticks per second, e.g. 90000 for video. Required: Map
	// panics when it is zero.
	ClockRate uint32
	// JumpThreshold is how far media time and arrival time may disagree before a run ends (frames late
	// by more end it only if the lateness does not drain; see the package documentation); 0 (or
	// negative) means DefaultJumpThreshold.
	JumpThreshold time.Duration
	// MaxSlew is the fastest rate, as a fraction of media time, at which the correction of wall-clock
	// time may rise to follow a slow camera clock; 0 (or negative) means DefaultMaxSlew. Values above
	// 0.5 are treated as 0.5.
	MaxSlew float64
	// Window is the span of media time over which the jitter floor is taken; 0 (or negative) means
	// DefaultWindow.
	Window time.Duration

	started bool
	unwrap  unwrapper
	anchor  time.Time     // arrival of the run's first frame: the wall-clock time of tick 0
	nominal time.Duration // media time of the newest frame, as a duration since the anchor
	corr    time.Duration // correction c added to nominal time
	floor   floorWindow
	late    lateState
	sr      senderReport

	// Settings resolved when the run started.
	jump         time.Duration
	jumpTicks    int64
	reorderTicks int64
	maxTicks     int64
	slewUp       float64
	slewDown     float64
}

// Map takes a frame's RTP timestamp and its arrival time. It returns the frame's media time in ticks
// since the start of the current run, its wall-clock time, and discont=true when this frame starts a new
// run (true for the very first frame too). Within a run, ticks and wall never decrease. A frame that
// starts a run has ticks 0 and wall equal to its arrival time.
func (m *Mapper) Map(rtpTS uint32, arrival time.Time) (ticks int64, wall time.Time, discont bool) {
	if m.ClockRate == 0 {
		panic("timing: Mapper.ClockRate is zero")
	}
	arrival = arrival.Round(0) // compare wall-clock readings; see the package documentation
	if !m.started {
		m.start(rtpTS, arrival)
		return 0, arrival, true
	}

	step := m.unwrap.delta(rtpTS)
	if step < -m.reorderTicks || step > m.maxTicks-m.unwrap.head {
		m.restart(rtpTS, arrival)
		return 0, arrival, true
	}
	reordered := step < 0
	ticks = m.unwrap.head
	if !reordered {
		ticks += step
	}
	nominal := ticksToDur(ticks, m.ClockRate)
	d := arrival.Sub(m.anchor) - nominal
	if m.discontinuous(d-m.corr, ticks, arrival) {
		m.restart(rtpTS, arrival)
		return 0, arrival, true
	}

	if !reordered {
		m.unwrap.advance(rtpTS, step)
		if !m.late.active {
			m.floor.add(ticks, d)
		}
	}
	m.slew(ticks, nominal-m.nominal)
	m.nominal = nominal
	return ticks, m.wall(), false
}

// Reset forgets all state, sender reports included: the next frame starts a new run.
func (m *Mapper) Reset() {
	*m = Mapper{ClockRate: m.ClockRate, JumpThreshold: m.JumpThreshold, MaxSlew: m.MaxSlew, Window: m.Window}
}

// wall returns the wall-clock time of the newest frame.
func (m *Mapper) wall() time.Time {
	return m.anchor.Add(m.nominal + m.corr)
}

// restart ends the current run and starts a new one at the frame (ts, arrival). A sender report
// received so far described the old timeline, so it is dropped.
func (m *Mapper) restart(ts uint32, arrival time.Time) {
	m.sr = senderReport{}
	m.start(ts, arrival)
}

// start begins a run whose tick 0 is ts, anchored at arrival.
func (m *Mapper) start(ts uint32, arrival time.Time) {
	m.jump = m.JumpThreshold
	if m.jump <= 0 {
		m.jump = DefaultJumpThreshold
	}
	window := m.Window
	if window <= 0 {
		window = DefaultWindow
	}
	m.slewUp = m.MaxSlew
	if !(m.slewUp > 0) { // also catches NaN
		m.slewUp = DefaultMaxSlew
	}
	m.slewUp = min(m.slewUp, slewCap)
	m.slewDown = max(m.slewUp, catchUpSlew)
	m.jumpTicks = durToTicks(m.jump, m.ClockRate)
	m.reorderTicks = durToTicks(reorderTolerance, m.ClockRate)
	m.maxTicks = durToTicks(maxRun, m.ClockRate)

	m.started = true
	m.unwrap.reset(ts)
	m.anchor = arrival
	m.nominal, m.corr = 0, 0
	m.late = lateState{}
	m.floor.reset(durToTicks(window, m.ClockRate) / floorBuckets)
	m.floor.add(0, 0)
}

// slew moves the correction toward the jitter floor, by at most the allowed rate times elapsed, the
// media time since the previous frame. It moves up only when the floor has half a window of history:
// a few late frames prove nothing, while two early ones prove the timeline late.
func (m *Mapper) slew(ticks int64, elapsed time.Duration) {
	f, history, ok := m.floor.floor(ticks)
	switch {
	case !ok:
	case f > m.corr && history:
		m.corr = min(f, m.corr+time.Duration(float64(elapsed)*m.slewUp))
	case f < m.corr:
		m.corr = max(f, m.corr-time.Duration(float64(elapsed)*m.slewDown))
	}
}
