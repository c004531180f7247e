package timing_test

import (
	"math"
	"testing"
	"time"

	"github.com/porchlight/porchlight/recorder/timing"
)

func TestNTP(t *testing.T) {
	ntp := time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC) // a camera clock that was never set
	tests := []struct {
		name   string
		srTS   uint32 // 0 with noSR: no report
		noSR   bool
		ts     uint32
		want   time.Time
		wantOK bool
	}{
		{name: "no report", noSR: true, ts: 1000},
		{name: "at the report", srTS: 1000, ts: 1000, want: ntp, wantOK: true},
		{name: "a second after", srTS: 1000, ts: 91000, want: ntp.Add(time.Second), wantOK: true},
		{name: "half a second before", srTS: 46000, ts: 1000, want: ntp.Add(-500 * time.Millisecond), wantOK: true},
		{name: "after, across 2^32", srTS: math.MaxUint32 - 44999, ts: 45000, want: ntp.Add(time.Second), wantOK: true},
		{name: "before, across 2^32", srTS: 45000, ts: math.MaxUint32 - 44999, want: ntp.Add(-time.Second), wantOK: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := &timing.Mapper{ClockRate: 90000}
			if !tt.noSR {
				m.SenderReport(tt.srTS, ntp)
			}
			got, ok := m.NTP(tt.ts)
			if ok != tt.wantOK || !got.Equal(tt.want) {
				t.Errorf("NTP(%d): got %v, %v; want %v, %v", tt.ts, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

// session simulates one camera with a video and an audio track whose audio frames arrive 40 ms later
// than their video counterparts would (packetisation), both mapped and fed sender reports every 5 s from
// a camera NTP clock that is off by 1234.5 s and, like the RTP clocks, runs 100 ppm fast.
type session struct {
	video, audio     *camera
	mv, ma           timing.Mapper
	lastV, lastA     frame
	wallV, wallA     time.Time
	nextSRV, nextSRA time.Time
}

func newSession() *session {
	s := &session{video: newCamera(90000, 3600, 0x12345678, 1), audio: newCamera(48000, 1024, 0xfedcba98, 2)}
	s.video.jitter, s.audio.jitter, s.audio.extra = 50*time.Millisecond, 50*time.Millisecond, 40*time.Millisecond
	s.video.ppm, s.audio.ppm = 100, 100
	s.mv.ClockRate, s.ma.ClockRate = 90000, 48000
	return s
}

// cameraNTP is the camera's NTP clock reading at true time tm.
func cameraNTP(tm time.Time) time.Time {
	return t0.Add(1234500*time.Millisecond + time.Duration(float64(tm.Sub(t0))*(1+100e-6)))
}

// run feeds d of true time of both tracks, in arrival order, with or without sender reports.
func (s *session) run(d time.Duration, reports bool) {
	fv, fa := s.video.run(d), s.audio.run(d)
	for len(fv) > 0 || len(fa) > 0 {
		if len(fa) == 0 || len(fv) > 0 && fv[0].arrival.Before(fa[0].arrival) {
			s.lastV, fv = fv[0], fv[1:]
			_, s.wallV, _ = s.mv.Map(s.lastV.ts, s.lastV.arrival)
			if reports && !s.lastV.capture.Before(s.nextSRV) {
				s.mv.SenderReport(s.lastV.ts, cameraNTP(s.lastV.capture))
				s.nextSRV = s.lastV.capture.Add(5 * time.Second)
			}
			continue
		}
		s.lastA, fa = fa[0], fa[1:]
		_, s.wallA, _ = s.ma.Map(s.lastA.ts, s.lastA.arrival)
		if reports && !s.lastA.capture.Before(s.nextSRA) {
			s.ma.SenderReport(s.lastA.ts, cameraNTP(s.lastA.capture))
			s.nextSRA = s.lastA.capture.Add(5 * time.Second)
		}
	}
}

// TestSyncOffset checks that the offset from sender reports puts audio exactly on video's wall timeline:
// after adding it, audio's error against true time equals video's, although audio arrives 40 ms later.
func TestSyncOffset(t *testing.T) {
	tests := []struct {
		name   string
		setup  func(s *session)
		wantOK bool
	}{
		{name: "no reports", setup: func(s *session) { s.run(30*time.Second, false) }},
		{name: "reports", setup: func(s *session) { s.run(30*time.Second, true) }, wantOK: true},
		{name: "audio reset", setup: func(s *session) {
			s.run(30*time.Second, true)
			s.ma.Reset()
			s.run(time.Second, false)
		}},
		{name: "audio reset, reports again", setup: func(s *session) {
			s.run(30*time.Second, true)
			s.ma.Reset()
			s.nextSRA = time.Time{}
			s.run(30*time.Second, true)
		}, wantOK: true},
		{name: "audio timestamp jump drops its report", setup: func(s *session) {
			s.run(30*time.Second, true)
			s.audio.ts += 48000 * 600
			s.run(time.Second, false)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSession()
			tt.setup(s)
			off, ok := timing.SyncOffset(&s.mv, &s.ma)
			if ok != tt.wantOK {
				t.Fatalf("SyncOffset: got ok %v, want %v", ok, tt.wantOK)
			}
			if !ok {
				return
			}
			if off < -45*time.Millisecond || off > -35*time.Millisecond {
				t.Errorf("SyncOffset: got %v, want about -40ms", off)
			}
			// Equal up to the camera clock's 100 ppm applied to the distance between the last frames.
			errV := s.wallV.Sub(s.lastV.capture)
			errA := s.wallA.Add(off).Sub(s.lastA.capture)
			tol := time.Duration(100e-6*float64(absDur(s.lastA.capture.Sub(s.lastV.capture)))) + time.Microsecond
			if d := absDur(errA - errV); d > tol {
				t.Errorf("got audio error %v after the offset and video error %v, want them within %v", errA, errV, tol)
			}
		})
	}
}
