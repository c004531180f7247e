package timing_test

import (
	"encoding/binary"
	"math"
	"testing"
	"time"

	"github.com/porchlight/porchlight/recorder/timing"
)

// Fuzz input: records of 9 bytes: an operation byte, a uint32 added to the RTP timestamp (so any step,
// forward, backward or across 2^32, is reachable) and an int32 arrival step in units of 100 µs (up to
// about 60 hours either way, so the system clock may step back too).
const recordSize = 9

// Operations by op%8; the rest map a frame.
const (
	opSenderReport = 0
	opSync         = 1
	opReset        = 2
)

// record encodes one fuzz record.
func record(op byte, tsStep uint32, arrivalStep time.Duration) []byte {
	b := make([]byte, recordSize)
	b[0] = op
	binary.LittleEndian.PutUint32(b[1:5], tsStep)
	binary.LittleEndian.PutUint32(b[5:9], uint32(int32(arrivalStep/(100*time.Microsecond))))
	return b
}

// FuzzMap feeds arbitrary timestamp and arrival sequences, with sender reports, offset queries and
// resets mixed in, and checks the invariants: the first frame and the first after Reset start a run; a
// run starts at tick 0 at its arrival time; within a run ticks and wall-clock time never decrease; and
// nothing panics, whatever the tuning fields hold.
func FuzzMap(f *testing.F) {
	var steady, eventful []byte
	for i := range 300 {
		steady = append(steady, record(3, 3600, 40*time.Millisecond+time.Duration(i%7)*time.Millisecond)...)
		op, ts, arr := byte(3), uint32(3600), 40*time.Millisecond
		switch i {
		case 50:
			op = opSenderReport
		case 60:
			op = opSync
		case 100:
			ts = 3600 * 90000 // an hour forward
		case 150:
			ts = math.MaxUint32 - 10*90000 + 1 // 10 s back
		case 200:
			arr = 10 * time.Second // arrival gap without RTP gap
		case 250:
			op = opReset
		}
		eventful = append(eventful, record(op, ts, arr)...)
	}
	f.Add(uint32(90000), int64(0), 0.0, int64(0), steady)
	f.Add(uint32(90000), int64(0), 0.0, int64(0), eventful)
	f.Add(uint32(48000), int64(time.Second), 0.9, int64(time.Second), eventful)
	f.Add(uint32(1), int64(-1), -1.0, int64(1), steady)
	f.Fuzz(func(t *testing.T, rate uint32, jump int64, slew float64, window int64, data []byte) {
		if rate == 0 {
			return // ClockRate is required; Map panics on zero by contract
		}
		m := &timing.Mapper{ClockRate: rate, JumpThreshold: time.Duration(jump), MaxSlew: slew, Window: time.Duration(window)}
		ref := &timing.Mapper{ClockRate: 90000}
		var ts uint32
		arrival := t0
		newRun := true
		var prevTicks int64
		var prevWall time.Time
		for ; len(data) >= recordSize; data = data[recordSize:] {
			op := data[0]
			ts += binary.LittleEndian.Uint32(data[1:5])
			arrival = arrival.Add(time.Duration(int32(binary.LittleEndian.Uint32(data[5:9]))) * 100 * time.Microsecond)
			switch op % 8 {
			case opSenderReport:
				m.SenderReport(ts, arrival)
				ref.SenderReport(ts, arrival)
				continue
			case opSync:
				m.NTP(ts)
				timing.SyncOffset(ref, m)
				continue
			case opReset:
				m.Reset()
				newRun = true
				continue
			}
			ref.Map(ts, arrival)
			ticks, wall, discont := m.Map(ts, arrival)
			switch {
			case newRun && !discont:
				t.Fatalf("ts %d: got discont false on a run's first frame, want true", ts)
			case discont && (ticks != 0 || !wall.Equal(arrival)):
				t.Fatalf("ts %d: run starts at ticks %d wall %v, want 0 and %v", ts, ticks, wall, arrival)
			case !discont && ticks < prevTicks:
				t.Fatalf("ts %d: ticks went back from %d to %d", ts, prevTicks, ticks)
			case !discont && wall.Before(prevWall):
				t.Fatalf("ts %d: wall went back from %v to %v", ts, prevWall, wall)
			}
			newRun, prevTicks, prevWall = false, ticks, wall
		}
	})
}
