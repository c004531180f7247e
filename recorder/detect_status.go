package recorder

import "time"

// KeyframeStatus says what a camera's keyframe stage and event snapshots are doing, and in plain words
// why events have no picture or zones are not checked, for the UI.
type KeyframeStatus struct {
	FFmpeg bool `json:"ffmpeg"` // ffmpeg was found on PATH when the stream started
	// SnapshotSource is where event snapshots come from: "ffmpeg", "snapshot_url", "onvif", or "" when
	// events have no picture; NoSnapshotReason then says why.
	SnapshotSource   string `json:"snapshot_source"`
	NoSnapshotReason string `json:"no_snapshot_reason,omitempty"`
	// ZonesChecked: the camera has zones or masks and the keyframe stage checks them (an event opens only
	// on motion inside a zone and outside the masks). ZonesNote says why configured zones are not checked.
	ZonesChecked bool   `json:"zones_checked"`
	ZonesNote    string `json:"zones_note,omitempty"`
	// KeyframesNote says why MotionConfig.DecodeKeyframes has no effect (no ffmpeg).
	KeyframesNote string `json:"keyframes_note,omitempty"`
	Running       bool   `json:"running"` // a keyframe decoder runs now (motion suspected)
	Decoded       uint64 `json:"keyframes_decoded"`
	Shed          uint64 `json:"keyframes_shed"` // not decoded: the stage's queue was full, or ffmpeg restarting
	Failures      uint64 `json:"failures"`       // ffmpeg start failures, crashes and hangs
	// CPUNanos is the stage's CPU time: its ffmpeg processes' utime+stime (decoder and snapshots) and
	// the Go time comparing frames.
	CPUNanos        uint64 `json:"cpu_nanos"`
	SnapshotsTaken  uint64 `json:"snapshots_taken"`
	SnapshotsFailed uint64 `json:"snapshots_failed"`
	// Of the ffmpeg snapshots: made from the running decoder's picture of the keyframe (no process
	// started), and by a one-shot ffmpeg (no decoder running: a camera without zones, or it did not
	// decode that keyframe).
	SnapshotsFromDecoder uint64 `json:"snapshots_from_decoder"`
	SnapshotsOneShot     uint64 `json:"snapshots_one_shot"`
	// Vetoed counts suspected motion the stage found outside the zones (no event); Unchecked events that
	// opened without the stage's answer because it was failing.
	Vetoed        uint64 `json:"vetoed"`
	Unchecked     uint64 `json:"unchecked"`
	LastError     string `json:"last_error,omitempty"` // the stage's latest failure, with what ffmpeg said
	SnapshotError string `json:"snapshot_error,omitempty"`
}

// NoFFmpegKeyframes is the keyframes note of a camera set to decode every keyframe, without ffmpeg.
const NoFFmpegKeyframes = "ffmpeg not found on PATH: keyframes are not decoded (decode_keyframes has no effect; the compressed-stream detector decides alone)"

// NoFFmpegZones is the zones note of a camera with zones or masks and no ffmpeg.
const NoFFmpegZones = "ffmpeg not found on PATH: zones and masks are not checked (the compressed-stream detector decides alone)"

// keyframeStatus reports the detector's keyframe stage and snapshots; safe from any goroutine.
func (d *detector) keyframeStatus() KeyframeStatus {
	st := KeyframeStatus{FFmpeg: d.vis.ffmpeg != "", SnapshotSource: d.snaps.source(), NoSnapshotReason: d.snaps.reason(),
		SnapshotsTaken: d.snaps.taken.Load(), SnapshotsFailed: d.snaps.failed.Load(), SnapshotError: d.snaps.lastError(),
		Vetoed: d.vis.vetoed.Load(), Unchecked: d.vis.unconfirmed.Load(), CPUNanos: uint64(d.vis.cpu())}
	if cfg := d.cfg.Load(); cfg != nil && !cfg.Disabled {
		if len(cfg.Zones)+len(cfg.Masks) > 0 {
			st.ZonesChecked = st.FFmpeg
			if !st.FFmpeg {
				st.ZonesNote = NoFFmpegZones
			}
		}
		if cfg.DecodeKeyframes && !st.FFmpeg {
			st.KeyframesNote = NoFFmpegKeyframes
		}
	}
	if s := d.vis.stage.Load(); s != nil {
		ks := s.Status()
		st.Running, st.Decoded, st.Shed, st.Failures, st.LastError = ks.Running, ks.Decoded, ks.Shed, ks.Failures, ks.LastError
		st.SnapshotsFromDecoder, st.SnapshotsOneShot = ks.SnapshotsFromDecoder, ks.SnapshotsOneShot
	}
	return st
}

// cpu is the CPU time of every stage this stream had (a codec change replaces the stage).
func (v *vision) cpu() time.Duration {
	d := time.Duration(v.retiredCPU.Load())
	if s := v.stage.Load(); s != nil {
		d += s.CPU()
	}
	return d
}
