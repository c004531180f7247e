// Package timing derives, for every frame of an RTP track, the two clocks the recorder needs: a
// continuous media time in ticks (for sample durations) and a smooth wall-clock time that stays close
// to true time (for segment times, the index and the timeline). It also says when the RTP timeline can
// no longer be trusted, so that the recorder re-anchors the track there.
//
// The package owns only this arithmetic. It does not read packets, RTCP or the system clock: the caller
// passes each frame's RTP timestamp and arrival time, and optionally the camera's RTCP sender reports.
//
// # Method
//
// A Mapper unwraps the 32-bit RTP timestamps of a run to int64 ticks counted from the run's first frame
// and anchors the run at that frame's arrival: nominal(t) = anchor + ticks/ClockRate. The offset
// d = arrival - nominal of each frame is its network delay (never negative) plus the drift of the
// camera's clock and the delay of the anchor frame itself. The least-delayed frames show true time best,
// so the jitter floor F is taken over the last Window of media time; it is the second-lowest d rather
// than the lowest, because only a bad timestamp makes a frame look early and one such frame must not
// move the floor. The wall-clock time is nominal + c, where the correction c follows F at a bounded
// rate:
//
//   - upward (frames keep arriving later: the camera clock is slow) at most MaxSlew times the media
//     time elapsed, and only once the floor has half a window of history, because lateness may be mere
//     congestion;
//   - downward (two frames arrived earlier than the timeline predicts) at up to 10% of the media time
//     elapsed, because a frame cannot arrive before it was captured: early arrival proves the timeline
//     late. This removes the anchor frame's own network delay within a fraction of a second instead of
//     the minutes MaxSlew would take.
//
// Both rates are below 1, so the wall-clock time never decreases within a run and never jitters with
// the network. The window keeps the two lowest offsets of each of 16 buckets of media time, so a frame
// costs O(1) and no allocation.
//
// # Bounds
//
// Let ρ be the camera's drift (|ρ| ≤ MaxSlew), W the window and δ the second-smallest network delay
// among the frames of a window. Once c has reached F (within a second of a run's start for a typical
// 50 ms anchor delay), the error of the wall-clock time against true capture time lies in
// [-ρ·W, δ + ρ·W]: the floor sees the camera's error at most one window old, plus the small delay of
// the floor's frame. For ±200 ppm, a 10 s window and 25 frames/s with delays uniform in 0..50 ms, that
// is within a few milliseconds; the tests check it frame by frame over two simulated hours.
//
// # Discontinuities
//
// A frame starts a new run, re-anchored at its arrival, when
//
//   - its timestamp steps back by more than a reorder tolerance of 250 ms (smaller steps back are
//     reordered frames: they keep the previous tick count, so ticks never decrease);
//   - it arrives more than JumpThreshold earlier than the timeline predicts, which a forward jump of the
//     timestamp or a stepped-back system clock causes;
//   - frames keep arriving more than JumpThreshold later than predicted and the lateness does not drain.
//
// Lateness alone is not enough, since a network stall over TCP delivers the frames captured meanwhile in
// a burst: the first of them is late by the whole stall, yet its timestamp is right. While frames are
// late the run continues on its timeline (which gives those frames their true capture time) and they
// stay out of the jitter floor. If the lateness shrinks by at least a tenth of JumpThreshold within
// every JumpThreshold of media time and of arrival time (the backlog drains at 1.1 times real time or
// faster) until it is back within a tenth of JumpThreshold, the run survives; otherwise the frame at
// which that fails starts a new run. A camera whose timestamps paused (or crawl) while time went on is
// therefore detected after at most JumpThreshold of arrival time once its frames are late. Lateness that never exceeds JumpThreshold is left to the slow upward
// correction.
//
// A run also ends, as a guard for the arithmetic, after a century of media time.
//
// Arrival times are compared by their wall-clock readings (any monotonic reading is stripped), so a step
// of the system clock ends a run instead of being hidden for the life of the run.
//
// # Several tracks
//
// Tracks of one session are mapped independently and each stays close to true time, but their network
// delays may differ systematically (audio packetisation, for one). When the camera sends RTCP sender
// reports, SyncOffset gives the shift that puts a track exactly on another track's wall timeline, using
// only differences of the camera's NTP clock, which therefore need not be set correctly.
package timing
