package timing

import "time"

// senderReport is the newest RTCP sender report of a track.
type senderReport struct {
	ok  bool
	rtp uint32
	ntp time.Time
}

// SenderReport records an RTCP sender report: the camera's NTP wall clock read ntp when its RTP clock
// for this track read rtpTS. Optional input; only the newest report is kept, and a discontinuity
// forgets it, since it described the old timeline.
func (m *Mapper) SenderReport(rtpTS uint32, ntp time.Time) {
	m.sr = senderReport{ok: true, rtp: rtpTS, ntp: ntp.Round(0)}
}

// NTP returns the time of the camera's NTP clock at RTP timestamp rtpTS, extrapolated from the newest
// sender report at the nominal ClockRate, and false when there is no report (or ClockRate is zero).
// rtpTS must lie within 2^31 ticks of the report's timestamp. The camera's clock need not be set
// correctly; differences between its readings are what count.
func (m *Mapper) NTP(rtpTS uint32) (time.Time, bool) {
	if !m.sr.ok || m.ClockRate == 0 {
		return time.Time{}, false
	}
	return m.sr.ntp.Add(ticksToDur(int64(int32(rtpTS-m.sr.rtp)), m.ClockRate)), true
}

// SyncOffset returns the duration to add to track's wall-clock times so that they lie on ref's wall
// timeline, where ref and track are Mappers of tracks of one session (typically ref video, track
// audio). It compares the newest frames of both: the camera's NTP clock says how far apart they were
// captured, their wall-clock times say how far apart they were mapped, and the difference is the
// offset. It returns false until both Mappers are in a run and have a sender report.
//
// The offset changes only as slowly as the two Mappers' corrections do, so a caller can take it once
// per run (or now and then) and apply it as a constant, which keeps track's times monotonic.
func SyncOffset(ref, track *Mapper) (time.Duration, bool) {
	if !ref.started || !track.started {
		return 0, false
	}
	nRef, ok := ref.NTP(ref.unwrap.raw)
	if !ok {
		return 0, false
	}
	nTrack, ok := track.NTP(track.unwrap.raw)
	if !ok {
		return 0, false
	}
	return nTrack.Sub(nRef) - track.wall().Sub(ref.wall()), true
}
